/**
 * A real master for the benchmarks that run real trial processes
 * (`startMaster`: SQLite in a temporary data directory, the local launcher),
 * with a second handle on its database to read what the trials did.
 * `BENCH_DB=postgres`: the master's database is a fresh PostgreSQL one
 * instead (on 127.0.0.1:5432, or PUSHTUNE_TEST_PG's server), dropped at the end.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MasterClient } from "../../src/cli/client.js";
import { startMaster } from "../../src/cli/commands/master.js";
import type { Launcher } from "../../src/master/launcher/launcher.js";
import { openStore } from "../../src/master/storage/open-store.js";
import type { Store } from "../../src/master/storage/store.js";
import { createPostgresDatabase } from "../../tests/master/support/postgres.js";

export interface RealMaster {
  store: Store;
  /** "SQLite" or "PostgreSQL", for the printed figures. */
  database: string;
  /** Where the master listens, and its admin token (for a CLI run against it). */
  url: string;
  token: string;
  /** Creates an experiment; resolves with its id and the time it was created (ms). */
  create(config: unknown, workdir: string): Promise<{ id: number; created: number }>;
  /**
   * Resolves with the experiment's final state. Polled once a second: its wall
   * time is the experiment's own end time, and the master measured should not
   * spend its CPU on the bench's questions.
   */
  waitForEnd(id: number): Promise<string>;
  close(): Promise<void>;
}

/** `launcher`: where trials run instead of the local launcher, made for the master's data dir. */
export async function startRealMaster(
  slots: number,
  launcher?: (dataDir: string) => Launcher,
): Promise<RealMaster> {
  const dataDir = await mkdtemp(join(tmpdir(), "pushtune-bench-trials-"));
  const postgres = process.env.BENCH_DB === "postgres" ? await createPostgresDatabase() : null;
  const db = postgres?.url ?? join(dataDir, "pushtune.db");
  const master = await startMaster({
    dataDir,
    db,
    port: 0,
    slots,
    quiet: true,
    ...(launcher ? { launcher: launcher(dataDir) } : {}),
  });
  const token = (await readFile(join(dataDir, "admin.token"), "utf8")).trim();
  const store = await openStore(db);
  const client = new MasterClient(master.url, token);
  return {
    store,
    database: postgres ? "PostgreSQL" : "SQLite",
    url: master.url,
    token,
    async create(config, workdir) {
      const created = Date.now();
      const { id } = await client.request<{ id: number }>("POST", "/experiments", {
        config,
        workdir,
      });
      return { id, created };
    },
    async waitForEnd(id) {
      let state = "ACTIVE";
      while (!["COMPLETED", "ERROR", "CANCELED"].includes(state)) {
        await new Promise((r) => setTimeout(r, 1000));
        state = (await client.request<{ state: string }>("GET", `/experiments/${id}`)).state;
      }
      return state;
    },
    async close() {
      await store.close();
      await master.close();
      await postgres?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
