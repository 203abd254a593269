/**
 * Property: every value `dotenvLine` writes reads back verbatim with python-dotenv (the apps'
 * reader, one batch process), Node's dotenv (both parsers) and verify's own reader; and every
 * value outside the documented exceptions is written. Values: full Unicode, biased towards the
 * characters dotenv dialects treat specially.
 */
import { strict as assert } from "assert";
import * as dotenv from "dotenv";
import fc from "fast-check";
import { dotenvLine, dotenvValueProblem, DotenvValueError } from "../../src/stack/model/dotenv";
import { parseEnvFile } from "../../src/commands/verify/connect-checks";
import { PROPERTY_RUNS, PROPERTY_SEED, propertyRuns, replayHint } from "../fixtures/property";
import { requirePythonOrSkip, runPython } from "../fixtures/python";

/** The characters some dotenv dialect (or a shell) gives a meaning. */
const SPECIAL = [..."'\"\\`$#{}=: \t!*?&;|<>()[]~%@/,.-_"];
const special = fc.constantFrom(...SPECIAL);
const anyChar = fc.string({ unit: "binary", minLength: 1, maxLength: 1 });
/** Mostly special characters, some arbitrary Unicode (astral planes included). */
const value = fc.oneof(
    fc.string({ unit: fc.oneof({ weight: 3, arbitrary: special }, { weight: 1, arbitrary: anyChar }), maxLength: 24 }),
    fc.string({ unit: "binary", maxLength: 24 }),
    fc.string({ unit: fc.constantFrom(..."ab'\"\\#${}"), maxLength: 12 }),
);

interface Case {
    value: string;
    line: string;
}

/** The sample every reader is checked on: the first PROPERTY_RUNS written values of this seed's sample. */
/** The examples: a backslash pair and a trailing backslash inside quotes, a quote in a password. */
const REGRESSIONS = ["ab\\\\cd", "ab\\cd", "ab\\", "ab\\'", "it's", "it's #1", "p@ss w'rd$x", 'say "hi" #2', "üñí €"];

function writtenCases(): { cases: Case[]; sampled: number } {
    const cases: Case[] = [];
    let sampled = 0;
    for (const v of [...REGRESSIONS, ...fc.sample(value, { numRuns: PROPERTY_RUNS * 2, seed: PROPERTY_SEED })]) {
        if (cases.length === PROPERTY_RUNS) break;
        sampled += 1;
        if (dotenvValueProblem(v) === undefined) cases.push({ value: v, line: dotenvLine("K", v) });
    }
    return { cases, sampled };
}

function assertAllRead(cases: Case[], read: (c: Case, index: number) => string | null | undefined, reader: string): void {
    const wrong = cases.filter((c, index) => read(c, index) !== c.value);
    assert.deepEqual(
        wrong.slice(0, 5).map((c) => c.line),
        [],
        `${wrong.length} of ${cases.length} lines read back differently with ${reader} (${replayHint()})`,
    );
}

describe(`.env values, property (${PROPERTY_RUNS} written values per seed)`, () => {
    const { cases, sampled } = writtenCases();
    // A file of every line, so no line can bleed into the next.
    const file = "# comment\n" + cases.map((c, index) => c.line.replace(/^K=/, `K${index}=`)).join("\n") + "\n";

    it(`writes most of them (${cases.length} of the first ${sampled}; the exceptions are rare)`, () => {
        assert.equal(cases.length, PROPERTY_RUNS, replayHint());
        assert.ok(sampled < PROPERTY_RUNS * 1.3, `only ${cases.length} of ${sampled} written (${replayHint()})`);
    });

    it("reads back verbatim with Node's dotenv, both parsers", () => {
        assertAllRead(cases, (c) => dotenv.parse(c.line).K, "dotenv.parse");
        assertAllRead(cases, (c) => dotenv.parse(c.line, { fast: true }).K, "dotenv.parse fast");
        const all = dotenv.parse(file);
        assertAllRead(cases, (_c, index) => all[`K${index}`], "dotenv.parse on the whole file");
    });

    it("reads back verbatim with verify's reader", () => {
        const all = parseEnvFile(file);
        assertAllRead(cases, (_c, index) => all.get(`K${index}`), "parseEnvFile");
    });

    describe("with python-dotenv", () => {
        before(function () {
            requirePythonOrSkip(this);
        });

        it("reads back verbatim, line by line and as one file", () => {
            const [whole, ...lines] = runPython<Array<Record<string, string | null>>>("read_dotenv.py", [
                file,
                ...cases.map((c) => c.line),
            ]);
            assertAllRead(cases, (_c, index) => lines[index].K, "python-dotenv");
            assertAllRead(cases, (_c, index) => whole[`K${index}`], "python-dotenv on the whole file");
        });
    });
});

describe(".env values, what is written", () => {
    it("writes every value with no line break, NUL or ${...}, not mixing both quotes or quotes and backslashes", () => {
        const ordinary = value.filter((v) => !/[\r\n\0\\]|\$\{/.test(v) && !(v.includes("'") && v.includes('"')));
        fc.assert(
            fc.property(ordinary, (v) => dotenvValueProblem(v) === undefined),
            propertyRuns(),
        );
    });

    it("refuses a value with a line break, NUL or ${VAR} without showing it", () => {
        for (const secret of ["pass\nword", "pass\rword", "pass\0word", "pa${HOME}ss", "pa${X:-y}ss"]) {
            assert.throws(
                () => dotenvLine("POSTGRES_PASSWORD", secret),
                (error: Error) =>
                    error instanceof DotenvValueError && /^POSTGRES_PASSWORD: /.test(error.message) && !error.message.includes("pa"),
            );
        }
    });
});
