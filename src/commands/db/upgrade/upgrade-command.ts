/**
 * `npm run db -- upgrade --image IMAGE | --back`: the stack's data to another PostgreSQL major
 * version, and back.
 */
import { type CommandSpec, usageError } from "../../../shared/cli";
import { makeRedactor } from "../../../shared/redact";
import { openStack, stackNameOf, stackOption } from "../../common/workspace";
import { adminPasswordOf } from "../backup/stack-server";
import { upgradeBack } from "./back";
import { upgradeStack } from "./upgrade";
import { describeStorage } from "./upgrade-plan";

const options = {
    ...stackOption,
    image: { type: "string", valueName: "IMAGE", description: "the image of the new major version (hive-db/pgvector:18)" },
    back: { type: "boolean", default: false, description: "return to the image and data from before the last upgrade" },
    "no-backup": { type: "boolean", default: false, description: "skip the backup taken first (the old data is kept regardless)" },
} as const;

export const upgradeCommand: CommandSpec<typeof options> = {
    name: "db",
    usage: ["upgrade --image IMAGE [--no-backup] [--stack NAME]", "upgrade --back [--no-backup] [--stack NAME]"],
    summary:
        "Moves the stack's data to the PostgreSQL major version of IMAGE: a backup of every mode; the container stops;\n" +
        "the old image on the old data and IMAGE on a new volume (<volume>-pg<N>, or <directory>-pg<N>) run privately;\n" +
        "pg_dumpall | psql copies everything (roles, databases, grants, rows, indexes); every table's count and checksum,\n" +
        "every sequence, owner and role must be equal; then the stack's config names the new image and data, npm run up\n" +
        "runs, and npm run verify must pass. The old data is never written and stays; --back returns to it.",
    options,
    async run({ values }, { say, redactWith }) {
        if ((values.image === undefined) === !values.back) throw usageError(upgradeCommand, "say where to: --image IMAGE, or --back");
        const stack = await openStack(stackNameOf(values));
        redactWith(makeRedactor([await adminPasswordOf(stack)]));
        const request = { backupFirst: !values["no-backup"], log: say, onOutput: (text: string) => void process.stdout.write(text) };
        if (values.back) {
            const back = await upgradeBack(stack, request);
            say(
                `upgrade --back: done in ${back.seconds} s; the stack runs ${back.record.from.image} on ${describeStorage(back.record.from.storage)}`,
            );
            if (back.backup !== undefined)
                say(`upgrade --back: the PostgreSQL ${back.record.to.major} data was backed up first in ${back.backup}`);
            return 0;
        }
        const report = await upgradeStack(stack, { ...request, image: values.image as string });
        const { from, to } = report.plan;
        say(
            `upgrade: done in ${report.seconds.total} s (backup ${report.seconds.backup} s, copy and compare ${report.seconds.copy} s, switch ${report.seconds.switch} s)`,
        );
        say(
            `upgrade: the stack runs PostgreSQL ${to.major} (${to.image}) on ${describeStorage(to.storage)}: ${report.tables} tables, ${report.rows} rows, equal`,
        );
        say(
            `upgrade: kept, never written: ${describeStorage(from.storage)} (PostgreSQL ${from.major}); go back with: npm run db -- upgrade --back`,
        );
        if (report.backup !== undefined) say(`upgrade: the backup taken first is in ${report.backup}`);
        say(`upgrade: record: ${report.record}`);
        return 0;
    },
};
