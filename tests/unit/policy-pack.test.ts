/**
 * The pack as a whole: what the CLI needs to load it from a fresh clone's one `npm ci`, the pinned
 * @pulumi/policy, the type tokens the rules match, and the contract for adding a rule (a module in
 * the pack, a section in docs/policy.md, a test of its own).
 */
import { strict as assert } from "assert";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as yaml from "js-yaml";

import { POLICIES } from "../../policy/policies";
import { TYPE } from "../../src/stack/resources";

const ROOT = resolve(__dirname, "../..");
const read = (...path: string[]) => readFileSync(join(ROOT, ...path), "utf8");
const json = (...path: string[]) => JSON.parse(read(...path));

describe("the policy pack", () => {
    it("is a nodejs pack whose package.json carries the version @pulumi/policy reports, and no dependencies of its own", () => {
        assert.equal((yaml.load(read("policy", "PulumiPolicy.yaml")) as { runtime: string }).runtime, "nodejs");
        const pack = json("policy", "package.json");
        assert.match(pack.version, /^\d+\.\d+\.\d+$/);
        assert.deepEqual([pack.dependencies, pack.devDependencies], [undefined, undefined], "modules resolve from the root's node_modules");
    });

    it("pins @pulumi/policy exactly, in package.json and the one lockfile, sharing the stack's @pulumi/pulumi", () => {
        const version = json("package.json").devDependencies["@pulumi/policy"];
        assert.match(version, /^\d+\.\d+\.\d+$/, "an exact version");
        const lock = json("package-lock.json").packages;
        assert.equal(lock["node_modules/@pulumi/policy"].version, version);
        assert.equal(lock["node_modules/@pulumi/policy/node_modules/@pulumi/pulumi"], undefined, "no second @pulumi/pulumi");
        assert.deepEqual(
            readdirSync(join(ROOT, "policy")).filter((file) => /lock/.test(file)),
            [],
        );
    });

    it("names each policy once, in kebab case, mandatory by default, with a description and remediation steps", () => {
        const names = POLICIES.map((policy) => policy.name);
        assert.equal(new Set(names).size, names.length);
        for (const policy of POLICIES) {
            assert.match(policy.name, /^[a-z]+(-[a-z]+)+$/);
            assert.equal(policy.enforcementLevel, "mandatory", policy.name);
            assert.ok(policy.description.length > 20 && (policy.remediationSteps ?? "").length > 20, policy.name);
        }
    });

    it("documents every policy in docs/policy.md, and nothing else as one", () => {
        const documented = [...read("docs", "policy.md").matchAll(/^### `([a-z-]+)`/gm)].map((match) => match[1]);
        assert.deepEqual(documented.sort(), POLICIES.map((policy) => policy.name).sort());
    });

    it("tests every policy in a describe of its own (tests/unit/policy-*.test.ts)", () => {
        const tests = readdirSync(join(ROOT, "tests", "unit"))
            .filter((file) => /^policy-.*\.test\.ts$/.test(file))
            .map((file) => read("tests", "unit", file))
            .join("\n");
        const untested = POLICIES.map((policy) => policy.name).filter((name) => !tests.includes(`describe("policy ${name}"`));
        assert.deepEqual(untested, []);
    });
});

describe("the type tokens in src/stack/resources.ts", () => {
    it("matches the type tokens the provider SDKs declare", () => {
        const postgresql = require("@pulumi/postgresql");
        const docker = require("@pulumi/docker");
        assert.deepEqual(
            [
                TYPE.role,
                TYPE.grant,
                TYPE.defaultPrivileges,
                TYPE.schema,
                TYPE.extension,
                TYPE.container,
                TYPE.image,
                TYPE.postgresqlProvider,
            ],
            [
                postgresql.Role.__pulumiType,
                postgresql.Grant.__pulumiType,
                postgresql.DefaultPrivileges.__pulumiType,
                postgresql.Schema.__pulumiType,
                postgresql.Extension.__pulumiType,
                docker.Container.__pulumiType,
                docker.RemoteImage.__pulumiType,
                `pulumi:providers:${postgresql.Provider.__pulumiType}`,
            ],
        );
    });
});
