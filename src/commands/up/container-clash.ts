/**
 * A container with the stack's container name that the stack does not know: another stack's (a
 * second developer's on the same machine, the Makefile era's) or one left from a lost state. Docker
 * would refuse the create halfway through `up` ("Conflict. The container name … is already in use");
 * this says so before anything changes, and what to set instead.
 */
import { CommandError } from "../../shared/cli";
import { containerId } from "../../shared/docker";
import { keyOf } from "../../stack/config/keys";

export class ContainerClash extends CommandError {}

/**
 * Refuses when a container named `name` exists (`existingId`, or looked up when not given) and
 * `known` (the names in the stack's state) lacks it.
 */
export async function refuseForeignContainer(
    name: string,
    known: readonly string[],
    stack: string,
    existingId?: string | null,
): Promise<void> {
    if (known.includes(name)) return;
    const id = existingId === undefined ? await containerId(name) : existingId;
    if (id === undefined || id === null) return;
    const set = (key: string, example: string) => `pulumi config set --path '${keyOf(`container.${key}`)}' ${example}`;
    throw new ContainerClash(
        `a container named ${name} already exists and is not stack ${stack}'s (another stack's, the Makefile era's, ` +
            "or one from a lost state); nothing was changed. Give this stack its own container:\n" +
            [set("name", `${name}-2`), set("hostPort", "5533"), set("volume", `${name}-2-data`), set("network", `${name}-2-net`)]
                .map((line) => `  ${line}`)
                .join("\n") +
            "\nor take that container's data over with npm run adopt -- --container " +
            name,
    );
}
