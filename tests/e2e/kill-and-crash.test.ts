/**
 * Crashes: `kill -9` of a running trial's processes restarts the trial from
 * its latest checkpoint (PUSHTUNE_LATEST_CHECKPOINT set, metrics continuing
 * from it, one restart counted) and it ends with exactly the metrics of an
 * uninterrupted run; a trial that crashes on every run ends in ERROR after
 * max_restarts, with its last log lines in the reason.
 */
import { resolve } from "node:path";
import { expect, test } from "vitest";
import { SYNTHETIC_DIR } from "./support/build.js";
import {
  checkpointsOf,
  clustersClosedAfterEach,
  createExperiment,
  logsOf,
  metricsOf,
  searchResult,
  trialDetails,
  waitFor,
  waitForEnd,
} from "./support/cluster.js";
import { batches, syntheticConfig, withChanges } from "./support/configs.js";

const CRASHING_TRIAL = resolve(import.meta.dirname, "fixtures/crashing-trial.mjs");
const CHECKPOINT_PERIOD = 40;

const startCluster = clustersClosedAfterEach();

/** One trial of 240 batches, a checkpoint every 40 and only then. */
const oneTrial = (changes: Record<string, unknown> = {}) =>
  withChanges(syntheticConfig("const.yaml"), {
    hyperparameters: { lr: 0.01, hidden: 128, optimizer: "adam", sleep_ms: 8 },
    searcher: { max_length: batches(240) },
    min_validation_period: batches(CHECKPOINT_PERIOD),
    min_checkpoint_period: batches(CHECKPOINT_PERIOD),
    checkpoint_policy: "none",
    scheduling_unit: 4,
    reproducibility: { experiment_seed: 5 },
    ...changes,
  });

test("kill -9 of a running trial restarts it from its latest checkpoint and it ends as an uninterrupted one", async () => {
  const cluster = await startCluster({ slots: 2 });
  const c = cluster;
  const baseline = await createExperiment(c, oneTrial(), SYNTHETIC_DIR);
  const id = await createExperiment(c, oneTrial(), SYNTHETIC_DIR);

  // Past its second checkpoint, with some work done since.
  const trial = await waitFor(
    "a trial past a checkpoint",
    async () => {
      const [t] = await trialDetails(c, id);
      return t?.running && t.lengthTrained >= 2 * CHECKPOINT_PERIOD + 12 ? t : null;
    },
    60,
    20,
  );
  const first = trial.allocations.at(-1)!;
  const handle = (await c.store.getAllocation(first.id))!.launcherHandle as { pid: number };
  const stepBeforeKill = Math.max(
    ...(await metricsOf(c, trial.id, "training")).map((m) => m.stepsCompleted),
  );
  process.kill(-handle.pid, "SIGKILL"); // the whole process group, as `kill -9 -<pgid>`

  expect(await waitForEnd(c, id)).toBe("COMPLETED");
  expect(await waitForEnd(c, baseline)).toBe("COMPLETED");
  const [t] = await trialDetails(c, id);
  expect(t!.state).toBe("COMPLETED");
  expect(t!.restarts).toBe(1);
  expect(t!.allocations.map((a) => [a.runId, a.exitReason])).toEqual([
    [1, "crashed (killed by SIGKILL)"],
    // The synthetic example runs trial after trial: done, its process asks for the next one.
    [2, "completed (its process asked for the next trial)"],
  ]);

  // Run 2 was given the latest checkpoint of run 1, and restored it.
  const logs = await logsOf(c, t!.id);
  const resumedFrom = logs
    .map((line) => /run 2: .* from checkpoint (\S+)$/.exec(line)?.[1])
    .find(Boolean);
  expect(resumedFrom, logs.join("\n")).toBeDefined();
  const checkpoint = (await c.store.getCheckpoint(resumedFrom!))!;
  expect(checkpoint.trialId).toBe(t!.id);
  expect(checkpoint.runId).toBe(1);
  expect(logs).toContain(`restored the model at batch ${checkpoint.stepsCompleted}`);
  // At most one checkpoint period of work was lost.
  expect(checkpoint.stepsCompleted % CHECKPOINT_PERIOD).toBe(0);
  expect(checkpoint.stepsCompleted).toBeGreaterThanOrEqual(stepBeforeKill - CHECKPOINT_PERIOD);

  // Its metrics continue from the checkpoint: run 1's reports past it are hidden.
  const training = await metricsOf(c, t!.id, "training");
  const run2 = training.filter((m) => m.runId === 2).map((m) => m.stepsCompleted);
  expect(Math.min(...run2)).toBe(checkpoint.stepsCompleted + 4);
  expect(
    training
      .filter((m) => m.runId === 1)
      .every((m) => m.stepsCompleted <= checkpoint.stepsCompleted),
  ).toBe(true);
  expect(training.map((m) => m.stepsCompleted)).toEqual(
    Array.from({ length: 60 }, (_, i) => 4 * (i + 1)),
  );

  // The model picked up where the checkpoint left it: same metrics as a run never killed.
  const [killed, clean] = [await searchResult(c, id), await searchResult(c, baseline)];
  expect(killed.trials).toEqual(clean.trials);
  const cleanTraining = await metricsOf(c, (await trialDetails(c, baseline))[0]!.id, "training");
  expect(training.map((m) => m.metrics)).toEqual(cleanTraining.map((m) => m.metrics));
  expect((await checkpointsOf(c, t!.id)).length).toBeGreaterThan(0);
}, 120_000);

test("a trial that crashes on every run ends in ERROR after max_restarts, its last log lines in the reason", async () => {
  const cluster = await startCluster({ slots: 1 });
  const c = cluster;
  const config = oneTrial({
    entrypoint: `node ${CRASHING_TRIAL}`,
    hyperparameters: { lr: 0.01, hidden: 128, optimizer: "adam", sleep_ms: 0 },
    max_restarts: 2,
    environment: { variables: { CRASH_AT_BATCH: "50" } },
  });
  const id = await createExperiment(c, config, SYNTHETIC_DIR);
  // Its only trial failed: so did the search.
  expect(await waitForEnd(c, id)).toBe("ERROR");
  const [t] = await trialDetails(c, id);
  expect(t!.state).toBe("ERROR");
  expect(t!.restarts).toBe(3);
  expect(t!.allocations.map((a) => [a.runId, a.exitReason])).toEqual([
    [1, "crashed (exit code 1)"],
    [2, "crashed (exit code 1)"],
    [3, "crashed (exit code 1)"],
  ]);
  expect(t!.endReason).toMatch(/failed 3 times \(max_restarts 2\)/);
  expect(t!.endReason).toContain("allocating activations for batch 50");
  expect(t!.endReason).toContain("Error: CUDA out of memory at batch 50");
  // Each restart resumed from the checkpoint the first run took at batch 40.
  const logs = await logsOf(c, t!.id);
  expect(logs.filter((l) => l === "restored the model at batch 40")).toHaveLength(2);
}, 120_000);
