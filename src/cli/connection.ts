/**
 * Which master to talk to and with which token. The master: `--master`, then
 * `PUSHTUNE_MASTER`, then http://127.0.0.1:8080. The token: `--token`, then
 * `PUSHTUNE_TOKEN`, then the login saved for that master URL by
 * `pushtune user login`, then — for a master on this machine — the admin
 * token the master wrote into its data directory.
 */
import { chmod, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isTokenText, LOGIN_ADVICE } from "./client.js";
import { CliError, usageError } from "./errors.js";
import { makeDirectory } from "./make-directory.js";
import { ADMIN_TOKEN_FILE, DEFAULT_MASTER, defaultDataDir, LOGINS_FILE } from "./paths.js";

type Env = Readonly<Record<string, string | undefined>>;

export interface GlobalFlags {
  master?: string;
  token?: string;
}

export interface ResolvedToken {
  token: string;
  /** Where it came from, for a person: "--token", "PUSHTUNE_TOKEN", a file path. */
  source: string;
}

/**
 * The master's base URL without a trailing slash; a bare `host:port` gets
 * `http://`, and the REST API's own URL (`…/api/v1`, which the client adds) is
 * taken for its master's.
 */
export function masterUrl(flags: GlobalFlags, env: Env): string {
  const given = flags.master ?? env.PUSHTUNE_MASTER ?? DEFAULT_MASTER;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(given) ? given : `http://${given}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw usageError(`the master URL "${given}" is not a URL (expected e.g. ${DEFAULT_MASTER})`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw usageError(`the master URL "${given}" must start with http:// or https://`);
  return `${url.origin}${url.pathname.replace(/\/+$/, "").replace(/\/api\/v1$/, "")}`;
}

/** A master on this machine, whose data directory the CLI can read. */
export function isLocalMaster(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]" || host === "::1";
}

export interface SavedLogin {
  username: string;
  token: string;
}

interface LoginsFile {
  version: 1;
  logins: Record<string, SavedLogin>;
}

export function loginsPath(env: Env): string {
  return join(defaultDataDir(env), LOGINS_FILE);
}

/**
 * The saved logins; none when the file does not exist. A file that is there
 * but cannot be read as logins is an error naming it and what is wrong: it is
 * never taken for an empty one, which a login would then write over, losing
 * every other master's login.
 */
async function readLogins(env: Env): Promise<LoginsFile> {
  const path = loginsPath(env);
  const broken = (reason: string) =>
    new CliError(`cannot read the saved logins in ${path}: ${reason}; fix or remove it`);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { version: 1, logins: {} };
    throw broken(code ?? (err as Error).message);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw broken(`not JSON (${(err as Error).message})`);
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(parsed) || !isObject(parsed.logins ?? {}))
    throw broken("must be an object with a `logins` object");
  const logins: Record<string, SavedLogin> = {};
  for (const [url, login] of Object.entries((parsed.logins ?? {}) as Record<string, unknown>)) {
    if (!isObject(login) || typeof login.token !== "string" || typeof login.username !== "string")
      throw broken(`the login for ${JSON.stringify(url)} must have a string username and token`);
    logins[url] = { username: login.username, token: login.token };
  }
  return { version: 1, logins };
}

/** Saves a login for one master URL; the file is readable by its owner only. */
export async function saveLogin(env: Env, url: string, login: SavedLogin): Promise<string> {
  const file = await readLogins(env);
  file.logins[url] = login;
  return writeLogins(env, file);
}

/** Forgets the login saved for one master URL; false when there was none. */
export async function forgetLogin(env: Env, url: string): Promise<boolean> {
  const file = await readLogins(env);
  if (!file.logins[url]) return false;
  delete file.logins[url];
  await writeLogins(env, file);
  return true;
}

async function writeLogins(env: Env, file: LoginsFile): Promise<string> {
  const path = loginsPath(env);
  await makeDirectory(defaultDataDir(env), "cannot save the login in");
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
  return path;
}

/**
 * The token for `url`, checked: one that could not go in an HTTP header (a
 * second line, a space, a character past ASCII) is a usage error naming where
 * it came from, never showing it.
 */
export async function resolveToken(
  url: string,
  flags: GlobalFlags,
  env: Env,
): Promise<ResolvedToken | null> {
  const found = await findToken(url, flags, env);
  if (found && !isTokenText(found.token))
    throw usageError(`${found.source}: contains characters not allowed in a token`);
  return found;
}

/**
 * What to do when no token was found for `url`. For a master on this machine it
 * also says where its admin token was looked for: a master started with
 * `--data-dir` keeps it there, where the CLI looks only if told.
 */
export function noTokenAdvice(url: string, env: Env): string {
  if (!isLocalMaster(url)) return LOGIN_ADVICE;
  const path = join(defaultDataDir(env), ADMIN_TOKEN_FILE);
  return `${LOGIN_ADVICE}; no admin token at ${path} (for a master started with --data-dir DIR, set PUSHTUNE_DATA_DIR=DIR)`;
}

async function findToken(url: string, flags: GlobalFlags, env: Env): Promise<ResolvedToken | null> {
  if (flags.token) return { token: flags.token, source: "--token" };
  if (env.PUSHTUNE_TOKEN) return { token: env.PUSHTUNE_TOKEN, source: "PUSHTUNE_TOKEN" };
  const saved = (await readLogins(env)).logins[url];
  if (saved)
    return { token: saved.token, source: `the login of ${saved.username} in ${loginsPath(env)}` };
  if (isLocalMaster(url)) {
    const path = join(defaultDataDir(env), ADMIN_TOKEN_FILE);
    const token = (await readFile(path, "utf8").catch(() => "")).trim();
    if (token) return { token, source: path };
  }
  return null;
}
