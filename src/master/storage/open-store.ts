/**
 * Opening a store from the master's `--db` URL:
 *
 * - `postgres://…` or `postgresql://…` → PostgreSQL through a `pg` pool;
 * - `sqlite:/path/to/file.db`, `sqlite:///path/to/file.db`, `sqlite::memory:`,
 *   a plain path or `:memory:` → SQLite (the file is created if missing).
 *
 * Migrations run on open; a database written by a newer pushtune is refused.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { preparePrivateSqliteFile } from "./data-dir.js";
import { KyselyStore, type KyselyStoreOptions } from "./kysely-store.js";
import { migrate, SchemaTooNewError } from "./migrations.js";
import type { Database, Dialect } from "./schema.js";
import {
  type CachingSqliteDatabase,
  KeepingErrorsSqliteDialect,
  openSqlite,
} from "./sqlite-database.js";
import type { Store } from "./store.js";

export interface DatabaseConnection {
  db: Kysely<Database>;
  dialect: Dialect;
  /** A SQLite database's own handle. */
  sqlite?: CachingSqliteDatabase;
}

const INT8_OID = 20;

/**
 * pg returns bigint columns as strings; ids and epoch milliseconds fit a
 * double exactly, so they are read as numbers (and anything that would not
 * fit is an error rather than a silently rounded id).
 */
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8_OID && format !== "binary") {
      return (text: string) => {
        const value = Number(text);
        if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} exceeds 2^53`);
        return value;
      };
    }
    return pg.types.getTypeParser(oid, format as "text");
  }) as pg.CustomTypesConfig["getTypeParser"],
};

/** The file (or `:memory:`) of a SQLite URL; null for any other database. */
export function sqlitePath(url: string): string | null {
  if (url === ":memory:") return url;
  if (url.startsWith("sqlite://")) return url.slice("sqlite://".length);
  if (url.startsWith("sqlite:")) return url.slice("sqlite:".length);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return null;
  return url;
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}

/** A Kysely instance on the URL's database, not yet migrated. */
export function connect(url: string): DatabaseConnection {
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    const pool = new pg.Pool({ connectionString: url, types: pgTypes });
    // An idle connection dropped by the server must not crash the master;
    // the pool replaces it on the next query.
    pool.on("error", () => {});
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      dialect: "postgres",
    };
  }
  const path = sqlitePath(url);
  if (path === null || path === "") {
    throw new Error(
      `unsupported database URL ${redactUrl(url)}: use postgres://…, sqlite:/path/file.db or a file path`,
    );
  }
  if (path !== ":memory:") {
    mkdirSync(dirname(path), { recursive: true });
    preparePrivateSqliteFile(path);
  }
  const database = openSqlite(path);
  return {
    db: new Kysely<Database>({ dialect: new KeepingErrorsSqliteDialect(database) }),
    dialect: "sqlite",
    sqlite: database,
  };
}

/** Opens, migrates and returns the store; the caller closes it. */
export async function openStore(url: string, options: KyselyStoreOptions = {}): Promise<Store> {
  let connection: DatabaseConnection | null = null;
  try {
    connection = connect(url);
    await migrate(connection.db, connection.dialect);
    // Taken into use: its clean close saves the next open the check (`openSqlite`).
    connection.sqlite?.stampOnClose();
  } catch (err) {
    await connection?.db.destroy().catch(() => {});
    if (err instanceof SchemaTooNewError) throw err;
    // A refused connection can be an AggregateError with an empty message.
    const code = (err as { code?: unknown }).code;
    const message = (err instanceof Error && err.message) || (code ? String(code) : String(err));
    throw new Error(`cannot open database ${redactUrl(url)}: ${message}`, { cause: err });
  }
  return new KyselyStore(connection.db, connection.dialect, options);
}
