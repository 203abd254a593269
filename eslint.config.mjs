// Lint rules run by `npm test` (npm run lint). Style is Prettier's; these catch bugs and keep files
// and functions small enough to read in one sitting.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "bin/", ".build/", ".venv*/", "policy/node_modules/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    prettier,
    {
        // CommonJS: the tools' config (dependency-cruiser) and the launchers (program.js, scripts/*.js).
        files: ["**/*.cjs", "*.js", "scripts/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: { module: "writable", require: "readonly", __dirname: "readonly", process: "readonly" },
        },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        files: ["**/*.ts"],
        rules: {
            "max-lines": ["error", { max: 250, skipBlankLines: false, skipComments: false }],
            "max-lines-per-function": ["error", { max: 50, skipBlankLines: true, skipComments: true, IIFEs: true }],
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            "@typescript-eslint/no-non-null-assertion": "error",
            "@typescript-eslint/no-require-imports": "off",
            eqeqeq: ["error", "always"],
            "prefer-const": "error",
        },
    },
    {
        // Tests: mocha's describe blocks group many short cases; each `it` stays short.
        files: ["tests/**/*.ts"],
        rules: {
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-non-null-assertion": "off",
        },
    },
);
