/**
 * One master per data dir and per database. A master takes its hold before
 * it reads anything and keeps it for its whole life; a second one is refused
 * at once with the holder's pid, host and port, having touched nothing.
 *
 * - The data dir: an exclusive lock on `<data-dir>/master.lock`, taken through
 *   SQLite's own file locking (POSIX advisory locks). The kernel drops the
 *   lock when its process dies, however it dies, so a master killed with -9
 *   leaves nothing stale behind, and a reused pid can never pass for a live
 *   holder. Who holds it is in `<data-dir>/master.json`, written after the
 *   lock is taken (for messages only: the lock decides).
 * - PostgreSQL: a session advisory lock on a connection of its own, which
 *   names the holder in its `application_name`. The server drops the lock when
 *   that connection ends; a master that loses it hears so (`lost`) and must stop.
 */
import { writeFileSync } from "node:fs";
import { readFile, rename, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { preparePrivateSqliteFile } from "./data-dir.js";
import { redactUrl } from "./open-store.js";

/** Who runs a master: enough for an operator to find it. */
export interface Holder {
  pid: number;
  host: string;
  /** The port it listens on; null while it is starting. */
  port: number | null;
}

/** Another master holds the data dir or the database. */
export class MasterHeldError extends Error {
  constructor(
    what: string,
    readonly holder: Holder | null,
  ) {
    super(
      `another master holds ${what}${holder ? ` (${describeHolder(holder)})` : ""}; stop it first`,
    );
    this.name = "MasterHeldError";
  }
}

export function describeHolder(h: Holder): string {
  return `pid ${h.pid} on ${h.host}${h.port === null ? ", starting" : `, port ${h.port}`}`;
}

export interface MasterHold {
  /** Tells a master refused later where this one listens. */
  announce(port: number): Promise<void>;
  /** Resolves with a reason if the hold is lost while the master runs (never for a file lock). */
  readonly lost: Promise<string>;
  release(): Promise<void>;
}

const LOCK_FILE = "master.lock";
const HOLDER_FILE = "master.json";

function self(port: number | null): Holder {
  return { pid: process.pid, host: hostname(), port };
}

/** Takes the data dir's lock, or throws MasterHeldError naming the holder. */
export async function holdDataDir(dataDir: string): Promise<MasterHold> {
  const lockFile = join(dataDir, LOCK_FILE);
  preparePrivateSqliteFile(lockFile);
  const lock = new BetterSqlite3(lockFile);
  const holderFile = join(dataDir, HOLDER_FILE);
  try {
    lock.pragma("busy_timeout = 0");
    lock.pragma("journal_mode = MEMORY"); // the file is only locked, never written: no journal file
    // A write transaction left open: SQLite keeps its RESERVED lock until it ends.
    lock.exec("BEGIN IMMEDIATE");
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code !== "SQLITE_BUSY") throw err;
    throw new MasterHeldError(dataDir, await readHolder(holderFile));
  }
  const write = async (holder: Holder) => {
    const tmp = `${holderFile}.${process.pid}`;
    try {
      writeFileSync(tmp, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
      await rename(tmp, holderFile);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new Error(`cannot write ${holderFile}: ${(err as Error).message}`, { cause: err });
    }
  };
  try {
    await write(self(null));
  } catch (err) {
    lock.close();
    throw err;
  }
  return {
    announce: (port) => write(self(port)),
    lost: new Promise<string>(() => {}),
    async release() {
      if (!lock.open) return;
      await rm(holderFile, { force: true });
      lock.close();
    },
  };
}

async function readHolder(file: string): Promise<Holder | null> {
  try {
    const h = JSON.parse(await readFile(file, "utf8")) as Partial<Holder>;
    if (typeof h.pid !== "number" || typeof h.host !== "string") return null;
    return { pid: h.pid, host: h.host, port: typeof h.port === "number" ? h.port : null };
  } catch {
    return null;
  }
}

/** The advisory lock's key: one per database (advisory locks are per database). */
const ADVISORY_KEY = 0x70757368; // "push"
const APP_NAME = /^pushtune master pid=(\d+) port=(\d*) host=(.*)$/;

/** `application_name` holds at most 63 bytes; the host is cut to fit. */
function applicationName(h: Holder): string {
  return `pushtune master pid=${h.pid} port=${h.port ?? ""} host=${h.host}`.slice(0, 63);
}

/** Takes the database's advisory lock, or throws MasterHeldError naming the holder. */
export async function holdPostgres(url: string): Promise<MasterHold> {
  const client = new pg.Client({
    connectionString: url,
    application_name: applicationName(self(null)),
    keepAlive: true,
  });
  let reportLost: (reason: string) => void = () => {};
  const lost = new Promise<string>((resolve) => {
    reportLost = resolve;
  });
  let released = false;
  client.on("error", (err) => {
    if (!released) reportLost(`lost its connection to ${redactUrl(url)}: ${err.message}`);
  });
  client.on("end", () => {
    if (!released) reportLost(`lost its connection to ${redactUrl(url)}`);
  });
  try {
    await client.connect();
    const { rows } = await client.query<{ held: boolean }>(
      "SELECT pg_try_advisory_lock($1) AS held",
      [ADVISORY_KEY],
    );
    if (!rows[0]?.held) throw new MasterHeldError(redactUrl(url), await postgresHolder(client));
  } catch (err) {
    released = true;
    await client.end().catch(() => {});
    if (err instanceof MasterHeldError) throw err;
    throw new Error(`cannot open database ${redactUrl(url)}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return {
    async announce(port) {
      const name = applicationName(self(port)).replaceAll("'", "''");
      await client.query(`SET application_name = '${name}'`);
    },
    lost,
    async release() {
      if (released) return;
      released = true;
      await client.end().catch(() => {});
    },
  };
}

async function postgresHolder(client: pg.Client): Promise<Holder | null> {
  const { rows } = await client.query<{ application_name: string }>(
    `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1
        AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [ADVISORY_KEY],
  );
  const m = APP_NAME.exec(rows[0]?.application_name ?? "");
  if (!m) return null;
  return { pid: Number(m[1]), host: m[3]!, port: m[2] ? Number(m[2]) : null };
}
