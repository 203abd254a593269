/**
 * A team's first hour on the real engine, with the README's own commands run verbatim: two
 * developers (a HOME and a passphrase each) bring their stacks up on one clone, and each checks
 * theirs from a new shell with only the documented setup; `git status` stays clean; a third who
 * shares the first one's backend and passphrase reads the same outputs; the first one's next
 * `npm run up` takes their stack file back.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { markedLines } from "../fixtures/doc-commands";
import { REPOSITORY } from "../../src/shared/repository";
import { Developer, makeClone, removeDocker } from "./developer";
import { requireEngineOrSkip } from "./engine";

const README = readFileSync(join(REPOSITORY, "README.md"), "utf8");
const TEAM = readFileSync(join(REPOSITORY, "docs", "team.md"), "utf8");
const [QUICK_START] = markedLines(README, "quick-start"); // the main job; the second line is the test run
const NEW_SHELL = markedLines(README, "new-shell");
const LOCAL_IMAGE = markedLines(README, "local-image");
const SECOND_DEVELOPER = markedLines(TEAM, "second-developer");

const DOCKER_NAMES = [
    ["hive-postgres-shared", "hive-postgres-shared-data", "app_network"],
    ["hive-postgres-bob", "hive-postgres-bob-data", "hive-bob-net"],
];

/** Why the default names cannot be used here (a developer's own dev stack), or undefined. */
function namesTaken(): string | undefined {
    for (const [container, volume] of DOCKER_NAMES) {
        for (const [kind, name] of [
            ["container", container],
            ["volume", volume],
        ]) {
            try {
                execFileSync("docker", [kind, "inspect", name], { stdio: "ignore" });
                return `a Docker ${kind} named ${name} exists (your own stack?); these tests use the README's default names`;
            } catch {
                // free
            }
        }
    }
    return undefined;
}

const gitStatus = (clone: string) => execFileSync("git", ["status", "--porcelain"], { cwd: clone, encoding: "utf8" });
const imagePresent = (image: string) =>
    (() => {
        try {
            execFileSync("docker", ["image", "inspect", image], { stdio: "ignore" });
            return true;
        } catch {
            return false;
        }
    })();

interface Team {
    clone: string;
    alice: Developer;
    bob: Developer;
    carol: Developer;
}

function setUp(team: Team): void {
    before(async function () {
        await requireEngineOrSkip(this);
        const taken = namesTaken();
        if (taken !== undefined) {
            console.log(`      skipping the team tests: ${taken}`);
            this.skip();
        }
        team.clone = makeClone();
        [team.alice, team.bob, team.carol] = ["alice", "bob", "carol"].map((name) => new Developer(name, team.clone));
    });
    after(async () => {
        // Only what these tests made: with the names taken (someone's own stack), nothing was, and nothing is removed.
        if (team.clone === undefined) return;
        for (const [developer, volume] of [
            [team.alice, DOCKER_NAMES[0][1]],
            [team.bob, DOCKER_NAMES[1][1]],
        ] as const) {
            await developer?.shell(`npm run down -- --delete-data --confirm ${volume}`).catch(() => undefined);
        }
        DOCKER_NAMES.forEach(([container, volume, network]) => removeDocker(container, volume, network));
        [team.alice, team.bob, team.carol].forEach((developer) => developer?.dispose());
        rmSync(team.clone, { recursive: true, force: true });
    });
}

function firstDeveloper(team: Team): void {
    it("the first developer: the quick start, then the README's local-image steps where no registry answers", async () => {
        const first = await team.alice.shell(QUICK_START);
        if (imagePresent("agnohq/pgvector:16")) {
            assert.equal(first.code, 0, first.stdout + first.stderr);
            return;
        }
        assert.equal(first.code, 2, first.stdout + first.stderr);
        assert.match(first.stderr, /cannot be pulled[\s\S]*image\/build-image\.sh/);
        for (const line of LOCAL_IMAGE) await team.alice.ok(line);
        assert.equal(gitStatus(team.clone), "");
    });

    it("the first developer, in a new shell: plain pulumi and verify work verbatim", async () => {
        const [verify, ...rest] = NEW_SHELL;
        assert.match((await team.alice.ok(verify)).stdout, /pass/);
        for (const line of rest) await team.alice.ok(line);
        assert.equal(gitStatus(team.clone), "");
    });
}

function secondDeveloper(team: Team): void {
    it("the second developer: npm run up refuses the taken names, the documented settings bring their own stack up", async () => {
        const refused = await team.bob.shell("npm run up");
        assert.equal(refused.code, 2, refused.stdout + refused.stderr);
        assert.match(refused.stdout, /set aside .*Pulumi\.dev\.yaml: another passphrase's stack file/);
        await team.bob.ok(LOCAL_IMAGE.find((line) => line.startsWith("pulumi config set")) as string);
        for (const line of SECOND_DEVELOPER) await team.bob.ok(line);
        assert.match((await team.bob.ok(NEW_SHELL[0])).stdout, /pass/);
        assert.equal(gitStatus(team.clone), "");
    });

    it("the first developer's stack still answers from a new shell, after the second one's up", async () => {
        assert.match((await team.alice.ok(NEW_SHELL[0])).stdout, /pass/);
    });
}

function sharedAndBack(team: Team): void {
    it("a third developer sharing the first one's backend and passphrase reads the same outputs", async () => {
        const { alice, carol } = team;
        await carol.ok(
            "mkdir -p ~/.config/hive-db && " +
                `printf 'export PULUMI_BACKEND_URL=file://%s/.pulumi-hive-db\\nexport PULUMI_CONFIG_PASSPHRASE_FILE=%s/.config/hive-db/passphrase\\n' '${alice.home}' '${alice.home}' > ~/.config/hive-db/env && ` +
                "echo '. \"$HOME/.config/hive-db/env\"' >> ~/.profile",
        );
        const outputs = "pulumi stack select dev && pulumi stack output --json --show-secrets";
        const theirs = JSON.parse((await alice.ok(outputs)).stdout);
        assert.match(theirs.databaseUrls?.agent ?? "", /^postgresql\+psycopg:\/\/hive_agent:/);
        assert.deepEqual(JSON.parse((await carol.ok(outputs)).stdout), theirs);
    });

    it("the first developer's next npm run up takes their stack file back and changes nothing", async () => {
        const again = await team.alice.ok("npm run up");
        assert.match(again.stdout, /restored .*Pulumi\.dev\.yaml/);
        assert.doesNotMatch(again.stdout, /generated hive-db:adminPassword/);
        assert.equal(gitStatus(team.clone), "");
    });
}

describe("engine: two developers on one clone, each in a new shell", function () {
    this.timeout(1_800_000);
    const team = {} as Team;
    setUp(team);
    describe("the first developer", () => firstDeveloper(team));
    describe("the second developer", () => secondDeveloper(team));
    describe("a shared stack, and back", () => sharedAndBack(team));
});
