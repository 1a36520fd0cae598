/** Where a local master keeps its things. */
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export function defaultDataDir(): string {
  return process.env.PUSHTUNE_DATA_DIR
    ? resolve(process.env.PUSHTUNE_DATA_DIR)
    : join(homedir(), ".pushtune");
}

export const DEFAULT_MASTER = "http://127.0.0.1:8080";
