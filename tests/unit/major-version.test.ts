/**
 * The program refuses an image of another PostgreSQL major version than its data's, before any
 * resource is registered, naming the upgrade command (src/stack/program/major-version.ts).
 */
import { strict as assert } from "node:assert";

import * as pulumi from "@pulumi/pulumi";

import { majorVersionProblem } from "../../src/stack/program/major-version";
import type { DataLocation } from "../../src/stack/program/probes";
import { TYPE } from "../../src/stack/resources";
import { runFailingStack, runStack } from "./harness";

const NEW_IMAGE = "hive-db/pgvector:18";

describe("a major-version change of container.image under the program", () => {
    it("is refused before any resource is registered, with the upgrade command", async () => {
        const config = { container: { image: NEW_IMAGE, name: "pg", volume: "pg-data" } };
        const seenData: DataLocation[] = [];
        const { error, registered } = await runFailingStack(config, {}, { majors: { image: 18, data: 17 }, seenData });
        assert.ok(pulumi.RunError.isInstance(error), String(error));
        const message = (error as Error).message;
        assert.match(message, /runs PostgreSQL 18, but the data in volume pg-data was written by PostgreSQL 17/);
        assert.ok(message.includes(`npm run db -- upgrade --image ${NEW_IMAGE}`), message);
        assert.equal(registered, 0);
        assert.deepEqual(seenData, [
            { image: NEW_IMAGE, container: "pg", pgdata: "/var/lib/postgresql/data/pgdata", mount: { volume: "pg-data" } },
        ]);
    });

    it("runs when the majors agree, when the data is new (unknown), and looks at a bind-mounted directory", async () => {
        for (const majors of [{ image: 17, data: 17 }, { image: 18 }, {}]) {
            const run = await runStack({ container: { image: NEW_IMAGE } }, {}, { majors });
            assert.equal(run.ofType(TYPE.container).length, 1, JSON.stringify(majors));
        }
        const seenData: DataLocation[] = [];
        await runStack({ container: { dataDirectory: "/srv/hive/data" } }, {}, { majors: { image: 16, data: 16 }, seenData });
        assert.deepEqual(
            seenData.map((location) => location.mount),
            [{ hostPath: "/srv/hive/data" }],
        );
    });

    it("never looks at data for an existing server", async () => {
        const seenData: DataLocation[] = [];
        const run = await runStack(
            { server: { host: "db.example", sslmode: "disable" } },
            {},
            { majors: { image: 18, data: 17 }, seenData },
        );
        assert.deepEqual(seenData, []);
        assert.equal(run.ofType(TYPE.container).length, 0);
    });
});

describe("majorVersionProblem", () => {
    const location: DataLocation = {
        image: "old/pg:16",
        container: "c",
        pgdata: "/var/lib/postgresql/data/pgdata",
        mount: { hostPath: "/d" },
    };

    it("an older image than the data: no upgrade command (there is no downgrade), the way back named", () => {
        const problem = majorVersionProblem(location, { image: 16, data: 17 }) ?? "";
        assert.match(problem, /old\/pg:16 runs PostgreSQL 16, but the data in directory \/d was written by PostgreSQL 17/);
        assert.doesNotMatch(problem, /upgrade/);
        assert.match(problem, /back to a PostgreSQL 17 image/);
    });

    it("nothing to say when either side is unknown or both agree", () => {
        assert.equal(majorVersionProblem(location, { image: 17 }), undefined);
        assert.equal(majorVersionProblem(location, { data: 17 }), undefined);
        assert.equal(majorVersionProblem(location, { image: 17, data: 17 }), undefined);
    });
});
