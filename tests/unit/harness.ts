/**
 * Runs index.ts under Pulumi's mocks with a given config and records every resource registration
 * as the engine would receive it: type, name, inputs, and the options the engine acts on
 * (protect, retainOnDelete, dependsOn, replaceOnChanges, deleteBeforeReplace, ignoreChanges, import).
 */
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { engineConfig, TEST_ADMIN_PASSWORD } from "../fixtures/configs";
import { type AdminCredentials, type DataLocation, type MajorVersions, type NetworkInfo, setProbes } from "../../src/stack/program/probes";
import { TYPE } from "../../src/stack/resources";

export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    inputs: Record<string, any>;
    parent: string;
    /** Provider reference `urn::id`, empty for the default provider. */
    provider: string;
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    replaceOnChanges: string[];
    ignoreChanges: string[];
    /** URNs of explicit and implicit dependencies. */
    dependencies: string[];
    importId: string;
}

export interface StackRun {
    resources: RecordedResource[];
    /** The program's exports (stack outputs). */
    outputs: Record<string, any>;
    /** The one resource of this type and name; throws when absent so a test fails loudly. */
    get(type: string, name: string): RecordedResource;
    ofType(type: string): RecordedResource[];
}

const PROJECT = "hive-db";
const STACK = "dev";
const INDEX = path.resolve(__dirname, "../../index.ts");

/** What the mocked RandomPassword returns: the seed every credential derives from. */
export const MOCK_SEED = "mock-seed-of-the-credentials";

/** Provider-computed outputs the program reads, keyed by resource type. */
const COMPUTED_STATE: Record<string, (name: string, inputs: Record<string, any>) => Record<string, unknown>> = {
    [TYPE.image]: (name) => ({ imageId: `sha256:${name}` }),
    [TYPE.randomPassword]: () => ({ result: MOCK_SEED }),
};

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProvider(): string;
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getDeletebeforereplace(): boolean;
    getReplaceonchangesList(): string[];
    getIgnorechangesList(): string[];
    getDependenciesList(): string[];
    getImportid(): string;
}

/** Installs Pulumi's mocks; returns each resource's inputs as the mock monitor saw them. */
async function installMocks(): Promise<Map<string, Record<string, any>>> {
    const inputsByKey = new Map<string, Record<string, any>>();
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                inputsByKey.set(`${args.type}::${args.name}`, args.inputs);
                return { id: `${args.name}-id`, state: { ...args.inputs, ...(COMPUTED_STATE[args.type]?.(args.name, args.inputs) ?? {}) } };
            },
            call: (args) => {
                throw new Error(`unexpected call to ${args.token}`);
            },
        },
        PROJECT,
        STACK,
        false,
    );
    return inputsByKey;
}

/**
 * The mock monitor passes only type, name and inputs to newResource; the options live on the wire
 * request, so every request is recorded here.
 */
let lastRegistrations: RegisterRequest[] = [];

/** Types the last `runStack` registered, also when the program failed part-way. */
export function lastRegisteredTypes(): string[] {
    return lastRegistrations.map((req) => req.getType());
}

function recordRegistrations(monitor: any): RegisterRequest[] {
    const registrations: RegisterRequest[] = [];
    lastRegistrations = registrations;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterRequest, callback: unknown) => {
        registrations.push(req);
        return register(req, callback);
    };
    return registrations;
}

function recorded(req: RegisterRequest, urns: string[], inputs: Record<string, any>): RecordedResource {
    return {
        type: req.getType(),
        name: req.getName(),
        // A child's URN qualifies its type with its parents' (`Parent$child:type`).
        urn: urns.find((urn) => urn.endsWith(`::${req.getName()}`) && urn.split("::")[2].split("$").pop() === req.getType()) ?? "",
        custom: req.getCustom(),
        inputs,
        parent: req.getParent(),
        provider: req.getProvider(),
        protect: req.getProtect(),
        retainOnDelete: req.getRetainondelete(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        replaceOnChanges: req.getReplaceonchangesList(),
        ignoreChanges: req.getIgnorechangesList(),
        dependencies: req.getDependenciesList(),
        importId: req.getImportid(),
    };
}

function stackRun(resources: RecordedResource[], outputs: Record<string, any>): StackRun {
    const ofType = (type: string) => resources.filter((r) => r.type === type);
    return {
        resources,
        outputs,
        ofType,
        get(type, name) {
            const found = resources.filter((r) => r.type === type && r.name === name);
            if (found.length !== 1) {
                throw new Error(
                    `expected one ${type} named ${name}, found ${found.length}; have: ${ofType(type)
                        .map((r) => r.name)
                        .join(", ")}`,
                );
            }
            return found[0];
        },
    };
}

/** What the program's probes find (src/stack/program/probes.ts): by default an empty server and no network. */
export interface World {
    databases?: string[];
    roles?: string[];
    /** The server does not answer (with this error code, e.g. 28P01). */
    unreachable?: { reason: string; code?: string };
    network?: NetworkInfo;
    /** Filled with every admin login the program's server probe was given. */
    seen?: AdminCredentials[];
    /** PostgreSQL majors of the image and the data (default: unknown, no check). */
    majors?: MajorVersions;
    /** Filled with every data location the program's major-version probe was given. */
    seenData?: DataLocation[];
}

function installProbes(world: World): void {
    setProbes({
        server: async (admin) => {
            world.seen?.push(admin);
            return world.unreachable
                ? { reachable: false, ...world.unreachable }
                : { reachable: true, databases: new Set(world.databases ?? []), roles: new Set(world.roles ?? []) };
        },
        network: async () => world.network,
        majors: (location) => {
            world.seenData?.push(location);
            return world.majors ?? {};
        },
    });
}

/** Runs index.ts under mocks with this config (and these secret config values) in this world. */
export async function runStack(
    config: Record<string, unknown> = {},
    secrets: Record<string, string> = {},
    world: World = {},
): Promise<StackRun> {
    installProbes(world);
    const inputsByKey = await installMocks();
    const settings = require("@pulumi/pulumi/runtime/settings");
    const monitor = settings.getMonitor();
    const registrations = recordRegistrations(monitor);
    const outputs = await runProgram(config, secrets);
    await settings.waitForRPCs();

    const urns = [...(monitor.getRegisteredResources() as Map<string, unknown>).keys()];
    const resources = registrations.map((req) => recorded(req, urns, inputsByKey.get(`${req.getType()}::${req.getName()}`) ?? {}));
    return stackRun(resources, outputs);
}

/** Sets the config (secrets as `--secret` keys; an admin password unless `config` has the key) and runs index.ts. */
async function runProgram(config: Record<string, unknown>, secrets: Record<string, string>): Promise<Record<string, any>> {
    const allSecrets = "adminPassword" in config ? secrets : { adminPassword: TEST_ADMIN_PASSWORD, ...secrets };
    const secretKeys = Object.keys(allSecrets).map((key) => `${PROJECT}:${key}`);
    pulumi.runtime.setAllConfig(engineConfig({ ...config, ...allSecrets }), secretKeys);
    delete require.cache[INDEX];
    const program: () => Promise<Record<string, any>> = require(INDEX);
    return program();
}

/** Runs index.ts expecting it to throw: the error, and how many resources it registered first. */
export async function runFailingStack(
    config: Record<string, unknown>,
    secrets: Record<string, string> = {},
    world: World = {},
): Promise<{ error: unknown; registered: number }> {
    installProbes(world);
    await installMocks();
    const settings = require("@pulumi/pulumi/runtime/settings");
    const registrations = recordRegistrations(settings.getMonitor());
    try {
        await runProgram(config, secrets);
    } catch (error) {
        await settings.waitForRPCs().catch(() => undefined);
        return { error, registered: registrations.length };
    }
    throw new Error(`the stack ran: ${JSON.stringify(config)}`);
}

/** Grants as `role database schema objectType: privileges`, for readable comparisons. */
export function grantTable(run: StackRun): string[] {
    return run
        .ofType(TYPE.grant)
        .map(
            (g) =>
                `${g.inputs.role} ${g.inputs.database} ${g.inputs.schema ?? "-"} ${g.inputs.objectType}: ${g.inputs.privileges.join(",") || "(revoke all)"}`,
        )
        .sort();
}
