/**
 * `kill -9` of a master whose trials are Slurm jobs: the jobs go on without
 * it (their pushes wait and retry), and a master started again on the same
 * data dir and address adopts them. No trial is started twice, none counts a
 * restart, and every metric the trials reported while the master was away
 * arrives.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import type { MasterProcess } from "../support/master-process.js";
import { freePort, slurmClusterForFile } from "../support/slurm-cluster.js";
import { ensureSdkBuilt, SYNTHETIC_DIR } from "./support/build.js";
import {
  type ApiClient,
  createExperiment,
  logsOf,
  metricsOf,
  trialDetails,
  waitFor,
  waitForEnd,
} from "./support/cluster.js";
import { syntheticConfig, syntheticRandomSearch, withChanges } from "./support/configs.js";
import { slurmMasterProcess } from "./support/slurm.js";

const slurm = slurmClusterForFile();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

/** A master process on `port` with 2 slots of the test cluster. */
async function master(dataDir: string, port: number): Promise<MasterProcess> {
  const m = await slurmMasterProcess(slurm(), { dataDir, port, slots: 2 });
  cleanups.push(async () => {
    await m.kill("SIGKILL");
  });
  return m;
}

const LENGTH = 120;
/** Two trials of 120 batches of 25 ms, side by side, a report every 5 batches. */
const search = withChanges(
  syntheticRandomSearch("slurm-kill-9", { trials: 2, concurrent: 2, length: LENGTH }),
  {
    hyperparameters: {
      ...(syntheticConfig("adaptive.yaml").hyperparameters as object),
      sleep_ms: 25,
    },
  },
);

test("a master killed with SIGKILL while jobs run: its successor adopts them, no trial runs twice and nothing is lost", async () => {
  await ensureSdkBuilt();
  const dataDir = await mkdtemp(join(tmpdir(), "pushtune-slurm-kill-"));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const first = await master(dataDir, port);
  const c: ApiClient = { api: (method, path, body) => first.call(method, path, body) };
  const id = await createExperiment(c, search, SYNTHETIC_DIR);
  await waitFor("both trials under way", async () => {
    const trials = await trialDetails(c, id);
    return trials.length === 2 && trials.every((t) => t.running && t.lengthTrained >= 20)
      ? trials
      : null;
  });
  expect(await first.kill("SIGKILL")).toBeNull();
  // The jobs outlive their master.
  const queued = await slurm().slurm("squeue", "--me", "-h", "-t", "R", "-o", "%j");
  expect(queued.trim().split("\n")).toHaveLength(2);

  await master(dataDir, port);
  expect(await waitForEnd(c, id, 60)).toBe("COMPLETED");
  for (const t of await trialDetails(c, id)) {
    expect([t.state, t.restarts, t.allocations.length]).toEqual(["COMPLETED", 0, 1]);
    // The API names the run's Slurm job, which the successor adopted.
    expect(t.allocations[0]).toMatchObject({
      pid: null,
      slurmJobId: expect.stringMatching(/^\d+$/),
    });
    const steps = (await metricsOf(c, t.id, "training")).map((m) => m.stepsCompleted);
    expect(steps).toEqual(Array.from({ length: LENGTH / 5 }, (_, i) => 5 * (i + 1)));
    expect((await logsOf(c, t.id)).filter((l) => /^pushtune: trial \d+ /.test(l))).toEqual([
      `pushtune: trial ${t.id} completed after ${LENGTH} batches`,
    ]);
  }
}, 60_000);
