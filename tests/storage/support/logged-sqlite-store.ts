/**
 * A SQLite store that records every statement it runs, with SQLite's plan
 * for each SELECT: what a test of how much a read reads asserts on.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CompiledQuery, Kysely } from "kysely";
import { KyselyStore } from "../../../src/master/storage/kysely-store.js";
import { migrate } from "../../../src/master/storage/migrations.js";
import type { Database } from "../../../src/master/storage/schema.js";
import {
  KeepingErrorsSqliteDialect,
  openSqlite,
} from "../../../src/master/storage/sqlite-database.js";
import type { ExperimentRow, Store } from "../../../src/master/storage/store.js";
import { parseExperimentConfig } from "../../../src/protocol/config/index.js";

export interface LoggedStore {
  store: Store;
  /** The statements run while `fn` ran, with SQLite's plan of each SELECT (its steps joined by "; "). */
  statementsOf(fn: () => Promise<unknown>): Promise<{ sql: string; plan: string | null }[]>;
  close(): Promise<void>;
}

export async function loggedSqliteStore(): Promise<LoggedStore> {
  const dir = mkdtempSync(join(tmpdir(), "pushtune-logged-store-"));
  let seen: CompiledQuery[] = [];
  const db = new Kysely<Database>({
    dialect: new KeepingErrorsSqliteDialect(openSqlite(join(dir, "logged.db"))),
    log: (event) => {
      if (event.level === "query") seen.push(event.query);
    },
  });
  await migrate(db, "sqlite");
  return {
    store: new KyselyStore(db, "sqlite"),
    async statementsOf(fn) {
      seen = [];
      await fn();
      const ran = seen;
      seen = [];
      const out = [];
      for (const q of ran) {
        let plan: string | null = null;
        if (/^\s*select/i.test(q.sql)) {
          const { rows } = await db.executeQuery<{ detail: string }>({
            ...q,
            sql: `explain query plan ${q.sql}`,
          });
          plan = rows.map((r) => r.detail).join("; ");
        }
        out.push({ sql: q.sql, plan });
      }
      seen = [];
      return out;
    },
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new user's experiment of a random search, for a test to fill itself. */
export async function newSearch(store: Store, name: string): Promise<ExperimentRow> {
  const parsed = parseExperimentConfig({
    entrypoint: "true",
    searcher: { name: "random", metric: "loss", max_length: 10, max_trials: 3 },
  });
  if (!parsed.ok) throw new Error("config");
  const user = await store.createUser({ username: name, passwordHash: null, admin: true });
  return store.createExperiment({
    name,
    config: parsed.config,
    configYaml: null,
    workdir: "/tmp",
    ownerId: user.id,
  });
}
