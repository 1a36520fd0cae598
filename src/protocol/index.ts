/**
 * `pushtune/protocol`: the contract between the parts — the REST API's
 * schemas and types (`api/`) and the experiment config's type and parser
 * (`config/`).
 */
export * from "./api/index.js";
export * from "./config/index.js";
