/** How problems name config keys: `hive-db:modes.agent.role`. */

/** Pulumi config namespace: keys are `hive-db:<key>`. */
export const CONFIG_NAMESPACE = "hive-db";

export const keyOf = (path: string) => `${CONFIG_NAMESPACE}:${path}`;
export const modeKey = (mode: string, field: string) => keyOf(`modes.${mode}.${field}`);
