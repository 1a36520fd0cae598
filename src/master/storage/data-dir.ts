/**
 * The master's data dir: its database (SQLite by default), checkpoints and
 * admin token. It is private to the master's OS user (0700, its files 0600),
 * and a data dir that has been used is never silently taken for a new one.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Files whose presence shows that a master has run on a data dir. The admin
 * token is removed at the first admin password login and checkpoints may
 * never have been written, so the hold's lock file counts too — as found
 * before this master takes its hold.
 */
const USED_EVIDENCE = ["admin.token", "checkpoints", "master.lock"];

/** What shows that a master has run on `dataDir`; read it before taking the hold. */
export function usedEvidence(dataDir: string): string[] {
  return USED_EVIDENCE.filter((name) => existsSync(join(dataDir, name)));
}

/** Creates the data dir if needed and makes it private (0700). */
export function preparePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const token = join(dir, "admin.token");
  if (existsSync(token)) chmodSync(token, 0o600);
}

/**
 * Makes a SQLite database file private before SQLite opens it: an existing
 * file and its -wal and -shm are set to 0600; a missing one is created empty
 * with 0600, which SQLite then gives its -wal and -shm too. A file already
 * 0600 is left alone: a chmod changes its change time, which says whether the
 * file was touched since its clean close (`unchangedSinceCleanClose`).
 */
export function preparePrivateSqliteFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file) && (statSync(file).mode & 0o777) !== 0o600) chmodSync(file, 0o600);
  }
}

/**
 * Refuses a SQLite database that is missing or empty in a data dir that has
 * been used (`evidence`, from `usedEvidence`): it was lost or truncated, and
 * starting would write a new admin token over a history that is gone. Throws
 * one line saying so; touches nothing.
 */
export function refuseLostDatabase(dataDir: string, dbPath: string, evidence: string[]): void {
  if (evidence.length === 0) return;
  let size: number | null = null;
  try {
    size = statSync(dbPath).size;
  } catch {
    size = null;
  }
  if (size !== null && size > 0) return;
  const what = size === null ? "is missing" : "is empty (0 bytes)";
  throw new Error(
    `database ${dbPath} ${what}, but ${dataDir} has been used (${evidence.join(", ")}): ` +
      "restore the database from a backup, or start with a new data dir",
  );
}
