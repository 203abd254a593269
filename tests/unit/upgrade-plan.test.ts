/**
 * The pure parts of `npm run db -- upgrade`: what it refuses, where the new data goes, which config
 * it writes and which record `--back` reverses; how two servers' fingerprints are compared; and the
 * sed program that leaves out column options a newer server rejects (run by the real sed).
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";

import { stripOptionsSed } from "../../src/commands/db/backup/attribute-options";
import { ToolFailed } from "../../src/commands/db/backup/tools";
import { fingerprintDifferences, type ServerFingerprint } from "../../src/commands/db/upgrade/fingerprint";
import {
    containerAfter,
    planUpgrade,
    recordMatches,
    type UpgradeFacts,
    type UpgradeRecord,
} from "../../src/commands/db/upgrade/upgrade-plan";
import { configOf } from "../fixtures/configs";

const container = (raw: Record<string, unknown> = {}) => configOf({ container: { name: "pg", ...raw } }).container;

function facts(changes: Partial<UpgradeFacts> = {}): UpgradeFacts {
    return {
        stack: "dev",
        container: container({ image: "hive-db/pgvector:17" }),
        bindUser: "1000:1000",
        currentImage: "hive-db/pgvector:17",
        currentMajor: 17,
        targetImage: "hive-db/pgvector:18",
        targetMajor: 18,
        newStorageTaken: false,
        ...changes,
    };
}

describe("upgrade plan", () => {
    it("new data beside the old: <volume>-pg18, or <directory>-pg18 run as the same user", () => {
        assert.deepEqual(planUpgrade(facts()).plan?.to.storage, { kind: "volume", volume: "pg-data-pg18" });
        assert.deepEqual(planUpgrade(facts()).plan?.from, {
            image: "hive-db/pgvector:17",
            major: 17,
            storage: { kind: "volume", volume: "pg-data" },
        });
        const directory = planUpgrade(facts({ container: container({ dataDirectory: "/srv/pg", user: "70:70" }), bindUser: "70:70" }));
        assert.deepEqual(directory.plan?.to.storage, { kind: "directory", hostPath: "/srv/pg-pg18", user: "70:70" });
    });

    it("refuses the same major, an older one, and new data that exists already", () => {
        assert.match(planUpgrade(facts({ targetMajor: 17 })).problems[0], /as the stack does already: a minor update is a plain/);
        assert.match(
            planUpgrade(facts({ targetMajor: 16, targetImage: "old:16" })).problems[0],
            /older than the stack's 17: .*upgrade --back/,
        );
        assert.match(planUpgrade(facts({ newStorageTaken: true })).problems[0], /volume pg-data-pg18 exists already/);
        assert.equal(planUpgrade(facts({ newStorageTaken: true })).plan, undefined);
    });

    it("the switch writes the image and the data's key, keeps every other key, and removes what goes", () => {
        const before = { name: "pg", hostPort: 6543, image: "hive-db/pgvector:17" };
        assert.deepEqual(containerAfter(before, { image: "hive-db/pgvector:18", volume: "pg-data-pg18" }), {
            name: "pg",
            hostPort: 6543,
            image: "hive-db/pgvector:18",
            volume: "pg-data-pg18",
        });
        assert.deepEqual(containerAfter({ ...before, volume: "pg-data-pg18" }, { image: "hive-db/pgvector:17" }), before);
    });

    it("--back reverses the record whose new side the stack runs now", () => {
        const { plan } = planUpgrade(facts());
        const record = { stack: "dev", at: "t", from: plan?.from, to: plan?.to, configBefore: {} } as UpgradeRecord;
        assert.ok(recordMatches(record, container({ image: "hive-db/pgvector:18", volume: "pg-data-pg18" }), "1000:1000"));
        assert.ok(!recordMatches(record, container({ image: "hive-db/pgvector:18" }), "1000:1000"), "the old volume with the new image");
        assert.ok(!recordMatches(record, container({ image: "hive-db/pgvector:17" }), "1000:1000"));
    });
});

describe("server fingerprints", () => {
    const print = (changes: Partial<ServerFingerprint> = {}): ServerFingerprint => ({
        roles: ["hive_agent: login limit 50 password"],
        databases: ["hive owned by hive_admin"],
        tables: { "hive.agent.items": "100000 123" },
        sequences: { "hive.agent.items_id_seq": "100000 true" },
        owners: { "hive.agent.items (r)": "hive_agent" },
        extensions: ["hive: vector"],
        extensionVersions: ["hive: vector 0.8.0"],
        ...changes,
    });

    it("equal when only extension versions differ; every other difference named", () => {
        assert.deepEqual(fingerprintDifferences(print(), print({ extensionVersions: ["hive: vector 0.8.7"] })), []);
        assert.deepEqual(
            fingerprintDifferences(
                print(),
                print({ tables: { "hive.agent.items": "99999 5" }, roles: [], owners: { "hive.agent.items (r)": "hive_admin" } }),
            ),
            [
                "role hive_agent: login limit 50 password: missing on the new server",
                "table hive.agent.items: 100000 123 before, 99999 5 after",
                "owner of hive.agent.items (r): hive_agent before, hive_admin after",
            ],
        );
    });
});

describe("column options a newer server rejects", () => {
    const sed = (program: string, input: string) => execFileSync("sed", ["-E", "-e", program], { input, encoding: "utf8" });

    it("are cut out of pg_dump's ALTER COLUMN … SET (…) lines, other options and lines kept", () => {
        const dump = [
            "ALTER TABLE ONLY public.items ALTER COLUMN id SET (pg_attver=27582824);",
            "ALTER TABLE ONLY public.items ALTER COLUMN embedding SET (n_distinct=5, pg_attver=27582824);",
            "ALTER TABLE ONLY public.items ALTER COLUMN title SET (pg_attver=1, n_distinct=-1);",
            "INSERT INTO notes VALUES ('SET (pg_attver=3);');",
            "",
        ].join("\n");
        assert.equal(
            sed(stripOptionsSed(["pg_attver"]), dump),
            [
                "ALTER TABLE ONLY public.items ALTER COLUMN embedding SET (n_distinct=5);",
                "ALTER TABLE ONLY public.items ALTER COLUMN title SET (n_distinct=-1);",
                "INSERT INTO notes VALUES ('SET (pg_attver=3);');",
                "",
            ].join("\n"),
        );
        assert.equal(sed(stripOptionsSed([]), dump), dump);
        assert.equal(stripOptionsSed(["bad name;"]), "");
    });
});

describe("a failed tool's words", () => {
    it("never carry a password verifier (pg_dumpall's ALTER ROLE … PASSWORD echoed by a failing psql)", () => {
        const verifier = "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy";
        const failed = new ToolFailed(
            "psql",
            3,
            `ERROR:  oops\nLINE 1: ALTER ROLE hive_agent WITH LOGIN PASSWORD '${verifier}';\nmd5${"a".repeat(32)}\n`,
        );
        assert.doesNotMatch(failed.message + failed.stderr, /SCRAM-SHA-256\$|md5a{32}/);
        assert.match(
            failed.message,
            /^psql failed \(exit 3\): ERROR: {2}oops \| LINE 1: ALTER ROLE hive_agent WITH LOGIN PASSWORD '\*\*\*'; \| \*\*\*$/,
        );
    });
});
