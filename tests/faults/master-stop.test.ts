/**
 * How a master process stops. SIGTERM or SIGINT: its trials are told to
 * checkpoint and exit, it waits for them (at most --stop-timeout), then exits
 * 0 with no process left behind; the next master resumes them from those
 * checkpoints with no restart counted. A master that cannot listen exits 1
 * having recovered and launched nothing.
 */

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { openStore } from "../../src/master/storage/open-store.js";
import { ensureSdkBuilt, SYNTHETIC_DIR } from "../e2e/support/build.js";
import {
  type ApiClient,
  logsOf,
  metricsOf,
  trialDetails,
  waitFor,
  waitForEnd,
} from "../e2e/support/cluster.js";
import { batches, syntheticConfig, withChanges } from "../e2e/support/configs.js";
import {
  type MasterProcess,
  runRefusedMaster,
  startMasterProcess,
} from "../support/master-process.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f().catch(() => {});
});

const LENGTH = 300;

/** One trial of 300 batches, 10 ms each, that checkpoints only at its end or when told to stop. */
function oneTrial(launches: string) {
  return withChanges(syntheticConfig("const.yaml"), {
    entrypoint: `echo "$PUSHTUNE_ALLOCATION_ID" >> ${launches} && exec node train.js`,
    hyperparameters: { lr: 0.01, hidden: 128, optimizer: "adam", sleep_ms: 10 },
    searcher: { max_length: batches(LENGTH) },
    min_validation_period: batches(100),
    min_checkpoint_period: batches(1000),
    checkpoint_policy: "none",
    scheduling_unit: 10,
  });
}

async function setUp() {
  await ensureSdkBuilt();
  const dataDir = await mkdtemp(join(tmpdir(), "pushtune-stop-"));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true, maxRetries: 5 }));
  return { dataDir, launches: join(dataDir, "launches.txt") };
}

async function start(dataDir: string, args: string[] = []): Promise<MasterProcess> {
  const m = await startMasterProcess(dataDir, ["--slots", "1", ...args]);
  cleanups.push(() => m.kill("SIGKILL"));
  return m;
}

const client = (m: MasterProcess): ApiClient => ({
  api: (method, path, body) => m.call(method, path, body),
});

/** Creates the one-trial experiment and waits until its trial has trained a little. */
async function runningTrial(m: MasterProcess, launches: string) {
  const { id } = await m.call<{ id: number }>("POST", "/experiments", {
    config: oneTrial(launches),
    workdir: SYNTHETIC_DIR,
  });
  const trial = await waitFor("the trial past batch 50", async () => {
    const [t] = await trialDetails(client(m), id);
    return t?.running && t.lengthTrained >= 50 ? t : null;
  });
  return { id, trial };
}

function alive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

test.each(["SIGTERM", "SIGINT"] as const)(
  "%s: the trial checkpoints and exits, the master exits 0, and the next one resumes it with no restart",
  async (signal) => {
    const { dataDir, launches } = await setUp();
    const first = await start(dataDir, ["--stop-timeout", "30"]);
    const { id, trial } = await runningTrial(first, launches);
    expect(await first.kill(signal)).toBe(0);

    const store = await openStore(join(dataDir, "pushtune.db"));
    const [allocation] = await store.listAllocations(trial.id);
    await store.close();
    expect(allocation?.state).toBe("TERMINATED");
    expect(allocation?.exitReason).toMatch(/^preempted \(/);
    expect(alive((allocation!.launcherHandle as { pid: number }).pid)).toBe(false);

    const second = await start(dataDir);
    expect(await waitForEnd(client(second), id)).toBe("COMPLETED");
    const [t] = await trialDetails(client(second), id);
    expect(t).toMatchObject({ state: "COMPLETED", restarts: 0 });
    const restored = (await logsOf(client(second), t!.id))
      .map((line) => /^restored the model at batch (\d+)$/.exec(line)?.[1])
      .find(Boolean);
    expect(Number(restored)).toBeGreaterThanOrEqual(50);
    const training = await metricsOf(client(second), t!.id, "training");
    expect(training.map((r) => r.stepsCompleted)).toEqual(
      Array.from({ length: LENGTH / 10 }, (_, i) => 10 * (i + 1)),
    );
  },
  90_000,
);

test("a master that cannot listen exits 1 with one line, recovering and launching nothing", async () => {
  const { dataDir, launches } = await setUp();
  const first = await start(dataDir);
  const { trial } = await runningTrial(first, launches);
  await first.kill("SIGKILL"); // its trial is left behind, for the next master to recover
  const dbFile = join(dataDir, "pushtune.db");
  const allocations = async () => {
    const store = await openStore(dbFile);
    const rows = await store.listAllocations(trial.id);
    await store.close();
    return rows.map((a) => [a.id, a.state]);
  };
  const leftBehind = await allocations();
  cleanups.push(async () => {
    const store = await openStore(dbFile);
    for (const a of await store.listAllocations(trial.id)) {
      const pid = (a.launcherHandle as { pid?: number } | null)?.pid;
      if (pid && alive(pid)) process.kill(-pid, "SIGKILL");
    }
    await store.close();
  });
  const launched = await readFile(launches, "utf8");

  const taken = createServer();
  await new Promise<void>((ok) => taken.listen(0, "127.0.0.1", ok));
  cleanups.push(() => new Promise((ok) => taken.close(ok)));
  const port = (taken.address() as { port: number }).port;
  const { code, output } = await runRefusedMaster(dataDir, ["--port", String(port)]);
  expect(code).toBe(1);
  const lines = output.trimEnd().split("\n");
  expect(lines, output).toHaveLength(1);
  expect(lines[0]).toMatch(
    new RegExp(`^pushtune: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`),
  );
  expect(await allocations()).toEqual(leftBehind);
  expect(await readFile(launches, "utf8")).toBe(launched);
}, 90_000);
