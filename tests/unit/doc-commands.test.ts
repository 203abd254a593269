/**
 * The documents' commands exist: every `npm run` names a script, every flag after `--` is an option
 * of that command, a subcommand is one it has, every `bash FILE` names a file of the repository,
 * every `pulumi` verb is one the CLI has, and any other program is one the prerequisites name. And the
 * README is the short, ordered page a newcomer needs.
 */
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import type { CommandSpec, OptionSpecs } from "../../src/shared/cli";
import { REPOSITORY } from "../../src/shared/repository";
import { type DocCommand, docCommands } from "../fixtures/doc-commands";

const scripts = JSON.parse(readFileSync(join(REPOSITORY, "package.json"), "utf8")).scripts as Record<string, string>;

/** Pulumi CLI verbs (and their subverbs) the documents may use. */
const PULUMI: Record<string, string[] | undefined> = {
    up: undefined,
    preview: undefined,
    refresh: undefined,
    destroy: undefined,
    cancel: undefined,
    login: undefined,
    whoami: undefined,
    version: undefined,
    stack: ["output", "select", "init", "ls", "rm", "export", "import", "history", "unselect"],
    config: ["set", "get", "rm"],
    plugin: ["install", "ls"],
};
/** Other programs: the prerequisites' (Docker, psql, jq, git, curl, apt-get) and POSIX basics. */
const TOOLS = new Set([
    "docker",
    "psql",
    "jq",
    "git",
    "curl",
    "apt-get",
    "ln",
    "cd",
    "export",
    "mkdir",
    "cat",
    "rm",
    "openssl",
    "sh",
    "[",
    ".",
]);

function commandSpec(name: string): CommandSpec<OptionSpecs> | undefined {
    const file = join(REPOSITORY, "src", "commands", name, "main.ts");
    if (!existsSync(file)) return undefined;
    return Object.values(require(file) as Record<string, unknown>).find(
        (value): value is CommandSpec<OptionSpecs> => typeof value === "object" && value !== null && "usage" in value && "options" in value,
    );
}

/** The subcommands a command's usage lists as `a | b | c` at the start of a form. */
function subcommands(spec: CommandSpec<OptionSpecs>): string[] {
    return spec.usage.flatMap((form) => /^([a-z]+(?: \| [a-z]+)*)(?: |$)/.exec(form)?.[1].split(" | ") ?? []);
}

function npmProblems(words: string[]): string[] {
    const [, verb, ...rest] = words;
    if (verb !== "run") return ["ci", "test", "install"].includes(verb) ? [] : [`npm ${verb} is not a command here`];
    const args = rest.filter((word) => word !== "--silent");
    const script = args[0];
    if (!Object.hasOwn(scripts, script)) return [`npm run ${script}: no such script in package.json`];
    const spec = commandSpec(script);
    let afterDash = args.includes("--") ? args.slice(args.indexOf("--") + 1) : [];
    if (spec === undefined) return [];
    const subcommand = spec.subcommands?.[afterDash[0] ?? ""];
    if (subcommand !== undefined) return flagProblems(script, subcommand, afterDash.slice(1), []);
    afterDash = afterDash.filter(Boolean);
    return flagProblems(script, spec, afterDash, subcommands(spec));
}

function flagProblems(script: string, spec: CommandSpec<OptionSpecs>, afterDash: string[], known: string[]): string[] {
    const problems = afterDash
        .filter((word) => word.startsWith("--"))
        .map((word) => word.slice(2).split("=")[0])
        .filter((flag) => flag !== "help" && !Object.hasOwn(spec.options, flag))
        .map((flag) => `npm run ${script}: no option --${flag}`);
    const first = afterDash[0];
    if (known.length > 0 && first !== undefined && !first.startsWith("-") && !known.includes(first)) {
        problems.push(`npm run ${script}: no subcommand ${first} (${known.join(", ")})`);
    }
    return problems;
}

function commandProblems({ words }: DocCommand): string[] {
    const command = words.filter((word, index) => !(index === 0 && /^[A-Z_]+=/.test(word)) && word !== "sudo");
    const [program, verb, subverb] = command;
    if (program === undefined || /^[A-Z_]+=/.test(program)) return [];
    if (program === "npm") return npmProblems(command);
    if (program === "bash") return existsSync(join(REPOSITORY, verb)) ? [] : [`bash ${verb}: no such file`];
    if (program === "pulumi") {
        if (!Object.hasOwn(PULUMI, verb)) return [`pulumi ${verb}: not a verb the documents may use`];
        const subverbs = PULUMI[verb];
        return subverbs === undefined || subverb?.startsWith("-") || subverbs.includes(subverb)
            ? []
            : [`pulumi ${verb} ${subverb}: unknown`];
    }
    return TOOLS.has(program) ? [] : [`${program}: not a prerequisite nor a script of this repository`];
}

const DOCUMENTS = ["README.md", ...readdirSync(join(REPOSITORY, "docs")).map((file) => join("docs", file))].filter((file) =>
    file.endsWith(".md"),
);

describe("the documents' commands", function () {
    this.timeout(60_000);
    for (const document of DOCUMENTS) {
        it(`${document}: every command names a script, file, flag or verb that exists`, () => {
            const commands = docCommands(readFileSync(join(REPOSITORY, document), "utf8"));
            const problems = commands.flatMap((command) => commandProblems(command).map((problem) => `${problem}   (${command.line})`));
            assert.deepEqual(problems, []);
        });
    }

    it("the checks catch a missing script, flag, subcommand and file", () => {
        const bad =
            "```bash\nnpm run nope\nnpm run db -- vacuum\nnpm run down -- --shred\nnpm run db -- backup --shred\n" +
            "bash scripts/nope.sh\npulumi frobnicate\nmake up\n```\n";
        const problems = docCommands(bad).flatMap(commandProblems);
        assert.equal(problems.length, 7, problems.join("\n"));
        const good = "```bash\nnpm run db -- backup --mode agent --out /tmp/x\nnpm run db -- upgrade --back\n```\n";
        assert.deepEqual(docCommands(good).flatMap(commandProblems), []);
    });
});

describe("the README", () => {
    const readme = readFileSync(join(REPOSITORY, "README.md"), "utf8");

    it("is at most 200 lines", () => {
        assert.ok(readme.split("\n").length <= 200, `${readme.split("\n").length} lines`);
    });

    it("goes in the order a newcomer needs", () => {
        const headings = [...readme.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
        assert.deepEqual(headings, ["Prerequisites", "Quick start", "Connect an app", "Day to day", "Lifecycle", "More"]);
    });

    it("links only to documents that exist", () => {
        const links = [...readme.matchAll(/\]\(([^)#]+)(?:#[^)]*)?\)/g)].map((match) => match[1]).filter((link) => !link.includes("://"));
        assert.ok(links.length > 5);
        assert.deepEqual(
            links.filter((link) => !existsSync(join(REPOSITORY, link))),
            [],
        );
    });
});
