export * from "./charts.js";
export * from "./common.js";
export * from "./errors.js";
export * from "./push.js";
export * from "./resources.js";
