/**
 * A master in the test process: a real store (SQLite in a temp dir, or a fresh
 * PostgreSQL database), the fake launcher, and the fastify app driven with
 * `inject`. `restart()` closes the master and opens a new one on the same
 * database, as a process restart would.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { MasterOptions } from "../../../src/master/app/context.js";
import { bootstrapAdmin, createMaster, type Master } from "../../../src/master/app/master.js";
import { buildServer, type ServerOptions } from "../../../src/master/http/server.js";
import { FakeLauncher } from "../../../src/master/launcher/fake-launcher.js";
import { ResourcePools } from "../../../src/master/launcher/resource-pools.js";
import { openStore } from "../../../src/master/storage/open-store.js";
import type { Store } from "../../../src/master/storage/store.js";
import { createPostgresDatabase } from "./postgres.js";

export interface Client {
  get<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  post<T = unknown>(path: string, body?: unknown): Promise<{ status: number; body: T }>;
  del<T = unknown>(path: string): Promise<{ status: number; body: T }>;
}

export function client(app: () => FastifyInstance, token: string | null): Client {
  const call = async (method: "GET" | "POST" | "DELETE", path: string, body?: unknown) => {
    const res = await app().inject({
      method,
      url: `/api/v1${path}`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const json = String(res.headers["content-type"] ?? "").startsWith("application/json");
    return {
      status: res.statusCode,
      body: res.body ? (json ? JSON.parse(res.body) : res.body) : null,
    };
  };
  return {
    get: (p) => call("GET", p),
    post: (p, b) => call("POST", p, b ?? {}),
    del: (p) => call("DELETE", p),
  } as Client;
}

export interface TestMaster {
  master: Master;
  app: FastifyInstance;
  /** The default (first) pool's launcher. */
  launcher: FakeLauncher;
  /** Every pool's launcher, by pool name. */
  launchers: Map<string, FakeLauncher>;
  store: Store;
  dataDir: string;
  /** The database: a SQLite file path or a PostgreSQL URL. */
  dbUrl: string;
  adminToken: string;
  admin: Client;
  as(token: string | null): Client;
  /** Waits until scheduling, exits and finishes queued so far are done. */
  settle(): Promise<void>;
  /** A new master on the same database; with `pools`, configured with those instead. */
  restart(pools?: { name: string; slots: number }[]): Promise<void>;
  close(): Promise<void>;
}

export async function startTestMaster(
  options: {
    db?: "sqlite" | "postgres";
    slots?: number;
    /**
     * Resource pools of fake launchers, the first the default (default: one, "default", of
     * `slots`); one with `warningSeconds` stands for a Slurm pool's.
     */
    pools?: { name: string; slots: number; warningSeconds?: number }[];
    preemptionTimeoutSeconds?: number;
    /** After a restart, live allocations are still running and adopted (as Slurm jobs are). */
    adopts?: boolean;
    /** More master options: a clock, the token lifetime, the admin token's file (given the data dir). */
    master?: Partial<MasterOptions> | ((dataDir: string) => Partial<MasterOptions>);
    /** Where the data dir is made (default: the system's temp dir). */
    parentDir?: string;
    /** Options of the HTTP server (its bounds). */
    server?: ServerOptions;
  } = {},
): Promise<TestMaster> {
  const dataDir = await mkdtemp(join(options.parentDir ?? tmpdir(), "pushtune-test-"));
  let dropDb: (() => Promise<void>) | null = null;
  let url = join(dataDir, "pushtune.db");
  if (options.db === "postgres") {
    const pg = await createPostgresDatabase();
    url = pg.url;
    dropDb = pg.drop;
  }
  let poolSlots = options.pools ?? [{ name: "default", slots: options.slots ?? 4 }];
  const more = typeof options.master === "function" ? options.master(dataDir) : options.master;
  const open = async () => {
    // A fake clock is the store's too: what it stamps is what the master compares.
    const store = await openStore(url, more?.now ? { now: more.now } : {});
    const launchers = new Map(
      poolSlots.map((p) => [p.name, new FakeLauncher(p.slots, options.adopts)]),
    );
    const launcher = launchers.get(poolSlots[0]!.name)!;
    const pools = new ResourcePools(
      poolSlots.map((p) => ({
        name: p.name,
        kind: "fake",
        slotType: "cpu" as const,
        launcher: launchers.get(p.name)!,
        ...(p.warningSeconds === undefined ? {} : { warningSeconds: p.warningSeconds }),
      })),
    );
    const master = createMaster(store, pools, {
      checkpointRoot: join(dataDir, "checkpoints"),
      ...(options.preemptionTimeoutSeconds === undefined
        ? {}
        : { preemptionTimeoutSeconds: options.preemptionTimeoutSeconds }),
      ...more,
    });
    const app = await buildServer(master, options.server);
    await app.ready();
    // Driven with inject: trials are told an address nothing listens on.
    await master.start("http://127.0.0.1:1");
    return { store, launcher, launchers, master, app };
  };
  let parts = await open();
  const boot = await bootstrapAdmin(parts.store, dataDir);
  const adminToken = boot.token!;
  const t: TestMaster = {
    ...parts,
    dataDir,
    dbUrl: url,
    adminToken,
    admin: client(() => t.app, adminToken),
    as: (token) => client(() => t.app, token),
    async settle() {
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setImmediate(r));
        await t.master.supervisor.idle();
      }
    },
    async restart(pools) {
      if (pools) poolSlots = pools;
      await t.app.close();
      await t.master.close();
      await t.store.close();
      parts = await open();
      Object.assign(t, parts);
      await t.settle();
    },
    async close() {
      await t.app.close();
      await t.master.close();
      await t.store.close();
      if (dropDb) await dropDb();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  await t.settle();
  return t;
}

/** Creates an experiment of `config` as `as` (the admin by default), which must be accepted; its id. */
export async function createExperiment(
  tm: TestMaster,
  config: Record<string, unknown>,
  as: Client = tm.admin,
): Promise<number> {
  const res = await as.post<{ id: number }>("/experiments", { config, workdir: "/tmp" });
  if (res.status !== 201) {
    throw new Error(`creating an experiment answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body.id;
}
