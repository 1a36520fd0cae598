/**
 * A real master for end-to-end tests: `startMaster` (the same code as
 * `pushtune master`) with the local launcher, a real database (SQLite in a
 * temp data dir, or a fresh PostgreSQL database) and trials that are real
 * `node train.js` processes importing the built SDK. `store` is a second
 * connection to the same database, for what the REST API does not show
 * (deleted checkpoints, launcher handles).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { MasterClient, type Method } from "../../../src/cli/client.js";
import { type MasterFlags, startMaster } from "../../../src/cli/commands/master.js";
import type { Launcher } from "../../../src/master/launcher/launcher.js";
import { openStore } from "../../../src/master/storage/open-store.js";
import type { Store } from "../../../src/master/storage/store.js";
import type {
  CheckpointList,
  ExperimentDetail,
  MetricPoint,
  MetricSeries,
  TrialDetail,
  TrialList,
} from "../../../src/protocol/api/resources.js";
import { createPostgresDatabase } from "../../master/support/postgres.js";
import { ensureSdkBuilt } from "./build.js";

/** What the helpers below need of a master: its REST API, answering the body or throwing. */
export type ApiClient = Pick<Cluster, "api">;

export interface Cluster {
  url: string;
  dataDir: string;
  /** `<dataDir>/checkpoints`: shared_fs root of configs without a host_path. */
  checkpointRoot: string;
  store: Store;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  slots: number;
  db?: "sqlite" | "postgres";
  /** Where trials run instead of the local launcher, made for the master's data dir. */
  launcher?: (dataDir: string) => Launcher;
  /** More flags for the master, made for its data dir (a config file, Slurm's commands). */
  flags?: (dataDir: string) => Partial<MasterFlags>;
}

export async function startCluster(options: ClusterOptions = { slots: 4 }): Promise<Cluster> {
  await ensureSdkBuilt();
  const dataDir = await mkdtemp(join(tmpdir(), "pushtune-e2e-"));
  let dbUrl = join(dataDir, "pushtune.db");
  let dropDb = async () => {};
  if (options.db === "postgres") {
    const pg = await createPostgresDatabase();
    dbUrl = pg.url;
    dropDb = pg.drop;
  }
  const master = await startMaster({
    dataDir,
    db: dbUrl,
    port: 0,
    slots: options.slots,
    quiet: true,
    ...(options.launcher ? { launcher: options.launcher(dataDir) } : {}),
    ...options.flags?.(dataDir),
  });
  const token = (await readFile(join(dataDir, "admin.token"), "utf8")).trim();
  const store = await openStore(dbUrl);
  const client = new MasterClient(master.url, token);
  let closed = false;
  return {
    url: master.url,
    dataDir,
    checkpointRoot: join(dataDir, "checkpoints"),
    store,
    api: <T>(method: string, path: string, body?: unknown) =>
      client.request<T>(method as Method, path, body),
    async close() {
      if (closed) return;
      closed = true;
      await master.close();
      await store.close();
      await dropDb();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `startCluster` for a test file: every cluster a test starts is closed after it. */
export function clustersClosedAfterEach(): typeof startCluster {
  const started: Cluster[] = [];
  afterEach(async () => {
    for (const c of started.splice(0)) await c.close();
  });
  return async (options) => {
    const c = await startCluster(options);
    started.push(c);
    return c;
  };
}

export async function createExperiment(
  c: ApiClient,
  config: Record<string, unknown>,
  workdir: string,
): Promise<number> {
  return (await c.api<{ id: number }>("POST", "/experiments", { config, workdir })).id;
}

export function experiment(c: ApiClient, id: number): Promise<ExperimentDetail> {
  return c.api<ExperimentDetail>("GET", `/experiments/${id}`);
}

const ENDED = ["COMPLETED", "CANCELED", "ERROR"];

/** Waits for the experiment to end; returns its final state. */
export async function waitForEnd(c: ApiClient, id: number, seconds = 120): Promise<string> {
  return waitFor(
    `experiment ${id} to end`,
    async () => {
      const { state } = await experiment(c, id);
      return ENDED.includes(state) ? state : null;
    },
    seconds,
  );
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null>,
  seconds = 60,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Every trial of the experiment with its ops and allocations, by request id. */
export async function trialDetails(c: ApiClient, id: number): Promise<TrialDetail[]> {
  const { trials } = await c.api<TrialList>("GET", `/experiments/${id}/trials`);
  const details = await Promise.all(
    trials.map((t) => c.api<TrialDetail>("GET", `/trials/${t.id}`)),
  );
  return details.sort((a, b) => a.requestId - b.requestId);
}

/**
 * Pauses experiment `id` and waits until none of its trials runs; resolves
 * with its trials as they are then.
 */
export async function pauseUntilStopped(
  c: ApiClient,
  id: number,
  seconds = 60,
  intervalMs = 50,
): Promise<TrialDetail[]> {
  await c.api("POST", `/experiments/${id}/pause`, {});
  return waitFor(
    "every trial to stop",
    async () => {
      const trials = await trialDetails(c, id);
      return trials.some((t) => t.running) ? null : trials;
    },
    seconds,
    intervalMs,
  );
}

/** A trial's visible metrics of one group, all pages. */
export async function metricsOf(
  c: ApiClient,
  trialId: number,
  group: "training" | "validation",
): Promise<MetricPoint[]> {
  const out: MetricPoint[] = [];
  let after = 0;
  for (;;) {
    const page = await c.api<MetricSeries>(
      "GET",
      `/trials/${trialId}/metrics?group=${group}&after=${after}&limit=1000`,
    );
    out.push(...page.metrics);
    if (page.metrics.length < 1000 || page.next === null) return out;
    after = page.next;
  }
}

/** The processes that ran an experiment's trials: distinct launcher handles (pid and start time). */
export async function processesOf(c: Cluster, id: number): Promise<Set<string>> {
  const handles = new Set<string>();
  for (const t of await trialDetails(c, id)) {
    for (const a of await c.store.listAllocations(t.id))
      handles.add(JSON.stringify(a.launcherHandle));
  }
  return handles;
}

export async function checkpointsOf(c: ApiClient, trialId: number) {
  return (await c.api<CheckpointList>("GET", `/trials/${trialId}/checkpoints`)).checkpoints;
}

export async function logsOf(c: ApiClient, trialId: number): Promise<string[]> {
  const page = await c.api<{ logs: { line: string }[] }>(
    "GET",
    `/trials/${trialId}/logs?limit=10000`,
  );
  return page.logs.map((l) => l.line);
}

/**
 * What a search ended with, independent of timing: per trial, its hyperparameters,
 * state, the ops it completed with their searcher metrics, and its validations.
 */
export async function searchResult(c: ApiClient, id: number) {
  const trials = await trialDetails(c, id);
  const exp = await experiment(c, id);
  return {
    state: exp.state,
    bestMetric: exp.bestMetric,
    trials: await Promise.all(
      trials.map(async (t) => ({
        requestId: t.requestId,
        hparams: t.hparams,
        state: t.state,
        endReason: t.endReason,
        ops: t.ops.filter((o) => o.completed).map((o) => [o.length, o.searcherMetric]),
        validations: (await metricsOf(c, t.id, "validation")).map((m) => [
          m.stepsCompleted,
          m.metrics,
        ]),
      })),
    ),
  };
}
