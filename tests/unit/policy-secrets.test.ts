/**
 * Policies on secrets: every stack output and every resource input that is or carries a credential
 * is a Pulumi secret. The real program's outputs and inputs pass; the same values with one secret
 * marker taken off are reported. Secretness reaches the policy only through policy/wire.ts, so
 * these tests go through @pulumi/policy's own server, which strips the markers from `args.props`.
 */
import { strict as assert } from "assert";

import { SECRET_OUTPUT_KEYS } from "../../src/stack/model/outputs";
import { credentialInputsAreSecret } from "../../policy/rules/secret-inputs";
import { credentialOutputsAreSecret } from "../../policy/rules/secret-outputs";
import { TYPE } from "../../src/stack/resources";
import { BLIND } from "../../policy/wire";
import { SHARED_KNOWLEDGE_CONFIG } from "../fixtures/configs";
import { reveal } from "../fixtures/pulumi-values";
import { runStack, type StackRun } from "./harness";
import {
    analyzeResource,
    analyzeStack,
    inputOf,
    type PolicyInput,
    secretWire,
    stackResourceOf,
    UNKNOWN,
    withProps,
} from "./policy-analyzer";

describe("policy credential-outputs-are-secret", () => {
    let stack: PolicyInput;
    // Seed 004 in small: a reader, so the read URLs are not empty either.
    before(async () => (stack = await stackResourceOf(await runStack(SHARED_KNOWLEDGE_CONFIG))));
    const analyze = (outputs: Record<string, unknown>) => analyzeStack(credentialOutputsAreSecret, [withProps(stack, outputs)]);

    it("passes the program's outputs, whose credentials are secrets and the rest is not", async () => {
        assert.deepEqual(await analyzeStack(credentialOutputsAreSecret, [stack]), []);
        assert.equal(stack.props.serverHost, "127.0.0.1");
    });

    for (const key of SECRET_OUTPUT_KEYS) {
        it(`reports ${key} exported in plain text`, async () => {
            const violations = await analyze({ [key]: reveal(stack.props[key]) });
            assert.ok(violations.length > 0, `${key}: no violation`);
            assert.ok(violations.every((v) => v.policy === "credential-outputs-are-secret" && v.level === "mandatory"));
            assert.ok(violations.every((v) => v.message.startsWith(`stack output ${key}`) && v.message.endsWith("but is not a secret")));
        });
    }

    it("reports one mode's URL left out of a secret, and a credential under a harmless name", async () => {
        const urls = reveal(stack.props.databaseUrls) as Record<string, string>;
        const oneOpen = { ...Object.fromEntries(Object.entries(urls).map(([mode, url]) => [mode, secretWire(url)])), agent: urls.agent };
        const [violation, ...more] = await analyze({ databaseUrls: oneOpen });
        assert.deepEqual(more, []);
        assert.equal(violation.message, "stack output databaseUrls.agent is a credential by name but is not a secret");
        const [hidden] = await analyze({ notes: `connect with ${urls.shared}` });
        assert.equal(hidden.message, "stack output notes carries a password or key but is not a secret");
    });

    it("passes a secret whose value a preview does not know yet, and reports an unknown credential that is not secret", async () => {
        assert.deepEqual(await analyze({ envFiles: secretWire(UNKNOWN) }), []);
        const [violation] = await analyze({ envFiles: UNKNOWN });
        assert.equal(violation.message, "stack output envFiles is a credential by name but is not a secret");
    });
});

describe("policy credential-inputs-are-secret", () => {
    let run: StackRun;
    before(async () => (run = await runStack()));

    it("passes every resource the program declares", async () => {
        assert.ok(run.resources.length > 20);
        for (const resource of run.resources) {
            assert.deepEqual(await analyzeResource(credentialInputsAreSecret, inputOf(resource)), [], resource.name);
        }
    });

    for (const [type, name, input] of [
        [TYPE.role, "hive-database-role-workspace", "password"],
        [TYPE.postgresqlProvider, "hive-database-provider", "password"],
        ["pulumi-nodejs:dynamic:Resource", "hive-database-guard-hive", "url"],
    ] as const) {
        it(`reports ${name}'s ${input} in plain text`, async () => {
            const resource = inputOf(run.get(type, name));
            const violations = await analyzeResource(
                credentialInputsAreSecret,
                withProps(resource, { [input]: reveal(resource.props[input]) }),
            );
            assert.deepEqual(
                violations.map((v) => [v.policy, v.level, v.message]),
                [["credential-inputs-are-secret", "mandatory", `${name}: input ${input} is a credential by name but is not a secret`]],
            );
        });
    }

    it("reports a password handed to the container in its environment", async () => {
        const container = inputOf(run.get(TYPE.container, "hive-postgres-container"));
        const envs = [...(container.props.envs as string[]), "POSTGRES_PASSWORD=hunter2"];
        const [violation] = await analyzeResource(credentialInputsAreSecret, withProps(container, { envs }));
        assert.equal(violation.message, "hive-postgres-container: input envs[4] carries a password or key but is not a secret");
    });
});

describe("policy/wire.ts: the secret rules see secrets only through @pulumi/policy's wire form", () => {
    it("reports that it is blind, rather than pass, when a props object did not come from @pulumi/policy's deserializer", () => {
        const reported: string[] = [];
        const args = { type: TYPE.role, name: "r", urn: "urn", props: { password: "plain" }, getConfig: () => ({}) } as any;
        (credentialInputsAreSecret.validateResource as (args: unknown, report: (message: string) => void) => void)(args, (message) =>
            reported.push(message),
        );
        assert.deepEqual(reported, [BLIND]);
    });
});
