/**
 * Policies that keep data where it is: no cascading drops on schemas and extensions (what a policy
 * can see of "retained on delete"; retainOnDelete itself is checked by lifecycle.test.ts), and image
 * references pinned, so a pull never brings another PostgreSQL major version onto the data directory.
 */
import { strict as assert } from "assert";

import { noCascadingDrops } from "../../policy/rules/cascading-drops";
import { imagesArePinned, pinOf } from "../../policy/rules/pinned-images";
import { TYPE } from "../../src/stack/resources";
import { runStack, type StackRun } from "./harness";
import { analyzeResource, inputOf, type PolicyInput, UNKNOWN, withProps } from "./policy-analyzer";

describe("policy no-cascading-drops", () => {
    let run: StackRun;
    before(async () => (run = await runStack()));

    it("passes the program's schemas and extensions, which say dropCascade: false or nothing", async () => {
        const droppable = [...run.ofType(TYPE.schema), ...run.ofType(TYPE.extension)];
        assert.ok(droppable.length >= 7);
        for (const resource of droppable) assert.deepEqual(await analyzeResource(noCascadingDrops, inputOf(resource)), [], resource.name);
    });

    for (const [type, name, kind] of [
        [TYPE.schema, "hive-database-schema-hive-agent", "schema"],
        [TYPE.extension, "hive-database-ext-hive-vector", "extension"],
    ] as const) {
        it(`reports the ${kind} ${name} with dropCascade: true`, async () => {
            const cascading = withProps(inputOf(run.get(type, name)), { dropCascade: true });
            assert.deepEqual(
                (await analyzeResource(noCascadingDrops, cascading)).map((v) => [v.policy, v.level, v.message]),
                [
                    [
                        "no-cascading-drops",
                        "mandatory",
                        `${kind} ${name} has dropCascade: deleting it would drop every table (or column) that depends on it`,
                    ],
                ],
            );
        });
    }
});

const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("pinOf: how firmly an image reference names one image", () => {
    it("reads a reference's pin: digest, tag, or floating", () => {
        const table = [
            "agnohq/pgvector:16",
            "registry:5000/pgvector",
            "registry:5000/pgvector:17",
            "pgvector:latest",
            `pgvector@${DIGEST}`,
            DIGEST,
        ];
        assert.deepEqual(table.map(pinOf), ["tag", "floating", "tag", "floating", "digest", "digest"]);
    });
});

describe("policy images-are-pinned", () => {
    let run: StackRun;
    let image: PolicyInput;
    before(async () => {
        run = await runStack();
        image = inputOf(run.get(TYPE.image, "hive-postgres-image"));
    });
    const named = (name: string) => withProps(image, { name });

    it("passes the program's image (agnohq/pgvector:16) and the container that runs it by ID", async () => {
        assert.equal(image.props.name, "agnohq/pgvector:16");
        assert.deepEqual(await analyzeResource(imagesArePinned, image), []);
        const container = inputOf(run.get(TYPE.container, "hive-postgres-container"));
        assert.deepEqual(await analyzeResource(imagesArePinned, withProps(container, { image: DIGEST })), []);
        assert.deepEqual(await analyzeResource(imagesArePinned, withProps(container, { image: UNKNOWN })), [], "not known in a preview");
    });

    for (const reference of ["agnohq/pgvector", "agnohq/pgvector:latest"]) {
        it(`reports ${reference} as floating`, async () => {
            const violations = await analyzeResource(imagesArePinned, named(reference));
            assert.deepEqual(
                violations.map((v) => [v.policy, v.level, v.message]),
                [
                    [
                        "images-are-pinned",
                        "mandatory",
                        `hive-postgres-image uses image ${reference}, which is floating: name a version tag or a digest`,
                    ],
                ],
            );
        });
    }

    it("reports a container that names a floating image itself", async () => {
        const container = inputOf(run.get(TYPE.container, "hive-postgres-container"));
        const [violation] = await analyzeResource(imagesArePinned, withProps(container, { image: "postgres" }));
        assert.match(violation.message, /hive-postgres-container uses image postgres, which is floating/);
    });

    it("with pinning: digest in the policy config, reports a tag and passes a digest", async () => {
        const config = { pinning: "digest" };
        const [violation] = await analyzeResource(imagesArePinned, image, config);
        assert.match(violation.message, /agnohq\/pgvector:16, which is pinned by tag only: name a digest/);
        assert.deepEqual(await analyzeResource(imagesArePinned, named(`agnohq/pgvector:16@${DIGEST}`), config), []);
    });
});
