/**
 * The policy pack on the real engine: `pulumi preview --policy-pack policy` (the Automation API's
 * `policyPacks`) passes a fresh stack of this project, and fails a stack that breaks a rule, naming
 * the rule. Previews only: nothing is created. One stack per describe; skipped with one line where
 * the engine is absent.
 */
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { REPOSITORY } from "../../src/shared/repository";
import { POLICIES } from "../../policy/policies";
import { EngineStack, requireEngineOrSkip } from "./engine";

/** The pack, as a platform team's CI passes it: `--policy-pack policy`. */
const POLICY_PACK = join(REPOSITORY, "policy");

interface PolicyPreview {
    passed: boolean;
    /** What the CLI printed, and on failure the error's message too. */
    text: string;
}

/** A preview with the pack (and a policy config file, if given), whether it passed and what it said. */
async function previewWithPolicy(engine: EngineStack, policyConfig?: object): Promise<PolicyPreview> {
    let text = "";
    const policyPackConfigs: string[] = [];
    if (policyConfig !== undefined) {
        const file = join(engine.dir, "policy-config.json");
        writeFileSync(file, JSON.stringify(policyConfig));
        policyPackConfigs.push(file);
    }
    try {
        await engine.stack.preview({ color: "never", policyPacks: [POLICY_PACK], policyPackConfigs, onOutput: (chunk) => (text += chunk) });
        return { passed: true, text };
    } catch (error) {
        return { passed: false, text: `${text}\n${error instanceof Error ? error.message : String(error)}` };
    }
}

/** A failed preview that names this rule as a mandatory violation, and no other rule. */
function assertFailsOn(preview: PolicyPreview, rule: string, others: string[]): void {
    assert.equal(preview.passed, false, `the preview passed:\n${preview.text}`);
    // The CLI's Policies section: `❌ hive-db@v0.1.0 …` then `- [mandatory] [severity: high]  <rule>  (<type>: <name>)`.
    assert.match(preview.text, /❌ hive-db@v0\.1\.0/, preview.text);
    assert.match(preview.text, new RegExp(`\\[mandatory\\] \\[severity: \\w+\\]\\s+${rule}\\s+\\(`), preview.text);
    for (const other of others.filter((name) => name !== rule)) assert.doesNotMatch(preview.text, new RegExp(`\\b${other}\\b`));
}

/** Every rule of the pack: a failing preview names its rule and none of the others. */
const RULES = POLICIES.map((policy) => policy.name);

describe("engine: the policy pack on the default stack", function () {
    this.timeout(600_000);
    const engine = new EngineStack();
    before(async function () {
        await requireEngineOrSkip(this);
        await engine.create("policy-default");
    });
    after(() => engine.dispose());

    it("passes a fresh stack's preview, with every rule loaded and none violated", async () => {
        const preview = await previewWithPolicy(engine);
        assert.ok(preview.passed, preview.text);
        assert.match(preview.text, /✅ hive-db@v0\.1\.0/, `the pack ran:\n${preview.text}`);
        for (const rule of RULES) assert.doesNotMatch(preview.text, new RegExp(`\\b${rule}\\b`));
    });
});

describe("engine: the policy pack on a container published beyond loopback", function () {
    this.timeout(600_000);
    const engine = new EngineStack();
    before(async function () {
        await requireEngineOrSkip(this);
        // The stack's own opt-in: the program accepts it, the platform's pack does not.
        const container = engine.containerConfig({ bindAddress: "0.0.0.0", allowNonLoopbackBind: true });
        await engine.create("policy-bind", { config: { container } });
    });
    after(() => engine.dispose());

    it("fails the preview on loopback-bind-only", async () => {
        assertFailsOn(await previewWithPolicy(engine), "loopback-bind-only", RULES);
    });

    it("passes once the policy config allows the address", async () => {
        const preview = await previewWithPolicy(engine, { "loopback-bind-only": { allowedBindAddresses: ["0.0.0.0"] } });
        assert.ok(preview.passed, preview.text);
    });
});

describe("engine: the policy pack on an existing server reached without TLS", function () {
    this.timeout(600_000);
    const engine = new EngineStack();
    before(async function () {
        await requireEngineOrSkip(this);
        // No server answers there: the preview warns and goes on (the provider connects only in `up`).
        const server = { host: "127.0.0.1", port: engine.hostPort, sslmode: "disable" };
        await engine.create("policy-tls", { server: true, config: { server } });
    });
    after(() => engine.dispose());

    it("fails the preview on server-connections-use-tls", async () => {
        assertFailsOn(await previewWithPolicy(engine), "server-connections-use-tls", RULES);
    });
});
