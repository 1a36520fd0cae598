/**
 * `NODE_OPTIONS=--import=<this file's URL>`: the process appends the URL of
 * every module it resolves to the file PUSHTUNE_TEST_MODULE_LOG names.
 */
import { register } from "node:module";

register("./module-log-hooks.mjs", import.meta.url);
