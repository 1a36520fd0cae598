export * from "./charts.js";
export * from "./common.js";
export * from "./errors.js";
export * from "./paging.js";
export * from "./push.js";
export * from "./resource-pools.js";
export * from "./resources.js";
