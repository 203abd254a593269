/**
 * The Pulumi program's entry (Pulumi.yaml `main`): index.ts, compiled when bin/ is current (faster to
 * start), else through ts-node (scripts/compiled.js).
 */
"use strict";
module.exports = require("./scripts/compiled").load("index.ts");
