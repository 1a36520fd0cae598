/**
 * better-sqlite3 behind Kysely's `SqliteDatabase` seam, with a cache of
 * prepared statements. Kysely prepares every query it runs; the master runs
 * the same few statements over and over (a metric push is the same INSERT
 * each time), and preparing costs more than running them.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import BetterSqlite3 from "better-sqlite3";
import {
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
  type SqliteStatement,
} from "kysely";

const CACHED_STATEMENTS = 256;

export class CachingSqliteDatabase implements SqliteDatabase {
  readonly #db: BetterSqlite3.Database;
  readonly #path: string;
  /** Least recently used first. */
  readonly #statements = new Map<string, BetterSqlite3.Statement>();
  #stampOnClose = false;

  constructor(db: BetterSqlite3.Database, path: string) {
    this.#db = db;
    this.#path = path;
  }

  /**
   * From now on a clean close records how it leaves the file (`closedStampPath`):
   * called once the file has been checked and taken into use, never for one
   * refused, whose files are left as they were found.
   */
  stampOnClose(): void {
    this.#stampOnClose = true;
  }

  prepare(sql: string): SqliteStatement {
    let statement = this.#statements.get(sql);
    if (statement) {
      this.#statements.delete(sql);
    } else {
      statement = this.#db.prepare(sql);
      if (this.#statements.size >= CACHED_STATEMENTS) {
        const oldest = this.#statements.keys().next().value;
        if (oldest !== undefined) this.#statements.delete(oldest);
      }
    }
    this.#statements.set(sql, statement);
    return statement;
  }

  /** Whether a transaction is open; SQLite ends one itself on some errors. */
  get inTransaction(): boolean {
    return this.#db.inTransaction;
  }

  close(): void {
    this.#statements.clear();
    this.#db.close();
    if (this.#stampOnClose && this.#path !== ":memory:") stampClosedFile(this.#path);
  }
}

/** Beside a SQLite file: how the last clean close left it. */
export function closedStampPath(path: string): string {
  return `${path}-closed`;
}

/**
 * What changes whenever anything writes the file, without reading it: its
 * identity, size and modification and change times (a change time no program
 * can set back, unlike a modification time).
 */
function fileStamp(path: string): string | null {
  try {
    const s = statSync(path, { bigint: true });
    return JSON.stringify([s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].map(String));
  } catch {
    return null;
  }
}

/**
 * Whether the file is as a clean close left it: nothing has written it since
 * and no write-ahead log is left (which a crash leaves, or another process
 * has open). Such a file was checked when it was opened, or was itself as a
 * clean close left it, and only SQLite has written it since.
 */
export function unchangedSinceCleanClose(path: string): boolean {
  if (existsSync(`${path}-wal`)) return false;
  const stamp = fileStamp(path);
  if (stamp === null) return false;
  try {
    return readFileSync(closedStampPath(path), "utf8") === stamp;
  } catch {
    return false;
  }
}

/**
 * Records the file as the close left it; not when the write-ahead log is
 * still there (another connection has the file open and writes on). A stamp
 * that cannot be written only costs the next open its check.
 */
function stampClosedFile(path: string): void {
  if (existsSync(`${path}-wal`)) return;
  const stamp = fileStamp(path);
  if (stamp === null) return;
  try {
    writeFileSync(closedStampPath(path), stamp, { mode: 0o600 });
  } catch {
    // the next open checks the file
  }
}

/**
 * Kysely's SQLite dialect, except that a transaction SQLite has already
 * rolled back itself (it does on SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM) is
 * not rolled back again: that second rollback fails ("no transaction is
 * active") and its error would replace the one that says what went wrong.
 */
export class KeepingErrorsSqliteDialect extends SqliteDialect {
  readonly #database: CachingSqliteDatabase;

  constructor(database: CachingSqliteDatabase) {
    super({ database });
    this.#database = database;
  }

  override createDriver(): Driver {
    const database = this.#database;
    return new (class extends SqliteDriver {
      override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
        if (database.inTransaction) await super.rollbackTransaction(connection);
      }
    })({ database });
  }
}

/**
 * Opens a database file (created if missing) or `:memory:`, set up for one
 * writer process: WAL (readers never block the writer), NORMAL sync (durable
 * at checkpoints, never corrupt), foreign keys enforced, and a busy timeout
 * instead of instant SQLITE_BUSY when another process holds the lock. A
 * damaged file is refused here (`PRAGMA quick_check`), with the first problem
 * found, rather than answering errors to every later query — unless it is
 * as a clean close left it (`unchangedSinceCleanClose`): the check reads
 * every page (seconds for a database of GBs), and after a crash, a restore,
 * a copy or any other program's write the file is checked again. What that
 * leaves unchecked is damage done without a write (a failing disk), which a
 * check at start would not find either once it happens while the master runs.
 */
export function openSqlite(path: string): CachingSqliteDatabase {
  const trusted = path !== ":memory:" && unchangedSinceCleanClose(path);
  const db = new BetterSqlite3(path);
  try {
    const [first] = trusted ? [] : (db.pragma("quick_check(1)") as { quick_check: string }[]);
    if (first && first.quick_check !== "ok") {
      throw new Error(`the file is damaged (${first.quick_check.replaceAll("\n", "; ")})`);
    }
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    // Checkpoint every ~40 MB of WAL instead of ~4 MB: metric pushes rewrite
    // the same index pages, so fewer, larger checkpoints copy each page once
    // (about 10% more rows/s), at the price of a larger -wal file.
    db.pragma("wal_autocheckpoint = 10000");
  } catch (err) {
    db.close();
    throw err;
  }
  return new CachingSqliteDatabase(db, path);
}
