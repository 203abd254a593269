/**
 * An existing server's sslmode (and root certificate) reach every URL and `.env` body, for libpq
 * and SQLAlchemy alike, and verify notices a URL without them. Without sslmode in a URL libpq falls
 * back to `prefer`: no certificate check, and silent plaintext when TLS fails.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { type StackOutputs, stackOutputsSchema } from "../../src/stack/model/outputs";
import { checkUrlTls, parseEnvFile } from "../../src/commands/verify/connect-checks";
import { modeTargets } from "../../src/commands/verify/targets";
import { withLibpqUrl, withSqlalchemyUrl } from "../fixtures/output-deltas";
import { runStack } from "./harness";
import { unwrap } from "../fixtures/pulumi-values";
import { TYPE } from "../../src/stack/resources";

const CA = "/etc/ssl/hive db/ca.pem";
const VERIFY_FULL = { server: { host: "db.internal", sslmode: "verify-full", sslrootcert: CA } };

async function outputsOf(config: Record<string, unknown>): Promise<{ outputs: StackOutputs; provider: Record<string, any> }> {
    const run = await runStack(config);
    const entries = await Promise.all(Object.entries(run.outputs).map(async ([key, value]) => [key, await unwrap(pulumi.output(value))]));
    const outputs = stackOutputsSchema.parse(JSON.parse(JSON.stringify(Object.fromEntries(entries))));
    return { outputs, provider: run.get(TYPE.postgresqlProvider, "hive-database-provider").inputs };
}

const tlsOf = (url: string) => {
    const query = new URL(url).searchParams;
    return `sslmode=${query.get("sslmode")} sslrootcert=${query.get("sslrootcert")}`;
};

describe("an existing server's TLS settings", () => {
    it("reach both URL forms, the .env bodies, the outputs and the provider", async () => {
        const { outputs, provider } = await outputsOf(VERIFY_FULL);
        for (const mode of outputs.modeNames) {
            assert.equal(tlsOf(outputs.libpqUrls[mode]), `sslmode=verify-full sslrootcert=${CA}`, mode);
            assert.equal(tlsOf(outputs.databaseUrls[mode]), `sslmode=verify-full sslrootcert=${CA}`, mode);
            const env = parseEnvFile(outputs.envFiles[mode]);
            assert.equal(env.get("HIVE_DATABASE_URL"), outputs.databaseUrls[mode]);
            assert.deepEqual([env.get("PGSSLMODE"), env.get("PGSSLROOTCERT")], ["verify-full", CA]);
        }
        assert.deepEqual([outputs.serverSslmode, outputs.serverSslrootcert], ["verify-full", CA]);
        assert.deepEqual([provider.sslmode, provider.sslrootcert], ["verify-full", CA]);
    });

    it("default to sslmode=require in the URLs, as for the provider", async () => {
        const { outputs } = await outputsOf({ server: { host: "db.internal" } });
        assert.equal(tlsOf(outputs.libpqUrls.agent), "sslmode=require sslrootcert=null");
        assert.equal(outputs.serverSslmode, "require");
    });

    it("stay out of the container's URLs, which carry no sslmode as before", async () => {
        const { outputs } = await outputsOf({});
        assert.equal(tlsOf(outputs.libpqUrls.agent), "sslmode=null sslrootcert=null");
        assert.ok(!("serverSslmode" in outputs) && !outputs.envFiles.agent.includes("PGSSLMODE"));
    });
});

describe("verify: URLs and the server's sslmode", () => {
    const results = (outputs: StackOutputs) =>
        modeTargets(outputs).map((target) =>
            checkUrlTls(target, { sslmode: outputs.serverSslmode, sslrootcert: outputs.serverSslrootcert }),
        );

    it("passes the stack's own outputs, server and container", async () => {
        for (const config of [VERIFY_FULL, {}]) {
            const { outputs } = await outputsOf(config);
            assert.deepEqual(
                results(outputs).filter((r) => r.status !== "pass"),
                [],
            );
        }
    });

    it("fails a URL that lost its sslmode or root certificate, naming it", async () => {
        const { outputs } = await outputsOf(VERIFY_FULL);
        const noSslmode = withLibpqUrl(outputs, "agent", outputs.libpqUrls.agent.replace("sslmode=verify-full&", ""));
        const [, agent] = results(noSslmode);
        assert.equal(agent.status, "fail");
        assert.match(agent.detail, /libpqUrls\.agent has sslmode \(none\), serverSslmode is verify-full/);
        const noCa = withSqlalchemyUrl(outputs, "genie", outputs.databaseUrls.genie.replace(/&sslrootcert=[^&]*/, ""));
        assert.match(results(noCa)[2].detail, /databaseUrls\.genie has sslrootcert \(none\)/);
    });
});
