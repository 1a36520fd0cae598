/** Where a local master keeps its things, and where the CLI keeps its logins. */
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export function defaultDataDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return env.PUSHTUNE_DATA_DIR ? resolve(env.PUSHTUNE_DATA_DIR) : join(homedir(), ".pushtune");
}

export const DEFAULT_MASTER = "http://127.0.0.1:8080";

/** The admin token a local master writes when it creates the admin user. */
export const ADMIN_TOKEN_FILE = "admin.token";

/** Tokens from `pushtune user login`, one per master URL. */
export const LOGINS_FILE = "logins.json";
