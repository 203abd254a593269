/**
 * The architecture as rules (ARCHITECTURE.md), checked by `npm run lint`: the program (index.ts,
 * src/stack) never imports a command; src/shared imports nothing of the project; nothing imports
 * the tests; and no import cycle anywhere, type-only imports included.
 */
module.exports = {
    forbidden: [
        {
            name: "no-cycle",
            severity: "error",
            comment: "An import cycle (type-only ones too) ties two modules into one: move the shared part down a floor.",
            from: {},
            to: { circular: true },
        },
        {
            name: "program-never-imports-commands",
            severity: "error",
            comment: "What `pulumi up` runs (index.ts, src/stack) must not depend on the npm commands or the policy pack.",
            from: { path: "^(index\\.ts|src/stack/)" },
            to: { path: "^(src/commands/|policy/)" },
        },
        {
            name: "shared-imports-nothing-of-the-project",
            severity: "error",
            comment: "src/shared is the ground floor: Docker, PostgreSQL sessions, the command line. It knows no stack.",
            from: { path: "^src/shared/" },
            to: { path: "^(index\\.ts|src/stack/|src/commands/|tests/|policy/)" },
        },
        {
            name: "code-never-imports-tests",
            severity: "error",
            from: { path: "^(index\\.ts|src/|policy/)" },
            to: { path: "^tests/" },
        },
        {
            name: "commands-import-no-other-command-entry",
            severity: "error",
            comment: "A command's main.ts parses arguments and prints; other code uses the logic beside it.",
            from: { path: "^src/commands/", pathNot: "/main\\.ts$" },
            to: { path: "^src/commands/[^/]+/main\\.ts$" },
        },
        {
            name: "policy-pack-reads-only-the-model",
            severity: "error",
            comment: "The policy pack runs inside the analyzer: the stack's pure model, never a command or a component.",
            from: { path: "^policy/" },
            to: { path: "^(src/commands/|src/stack/components/|src/stack/program/|index\\.ts)" },
        },
        {
            name: "not-to-unresolvable",
            severity: "error",
            from: {},
            to: { couldNotResolve: true },
        },
    ],
    options: {
        doNotFollow: { path: "node_modules" },
        tsPreCompilationDeps: true,
        tsConfig: { fileName: "tsconfig.json" },
        exclude: { path: "^(node_modules|bin|\\.build|\\.venv)" },
    },
};
