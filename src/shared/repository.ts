/**
 * This repository's root: the nearest directory above this file that holds Pulumi.yaml, so the
 * answer is the same whether the code runs as TypeScript or compiled under bin/.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

function projectRoot(start: string): string {
    for (let dir = start; ; dir = dirname(dir)) {
        if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
        if (dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${start}`);
    }
}

export const REPOSITORY = projectRoot(__dirname);
