/**
 * Pause in the middle of a search: every running trial checkpoints and exits
 * within seconds; activate: each resumes from its checkpoint, redoing at most
 * one min_checkpoint_period of work, and the search ends exactly as the same
 * search (same seed) run without a pause.
 *
 * Searches whose decisions do not depend on the order results arrive in make
 * the comparison exact: random search (each request's hyperparameters and
 * seed come from the experiment seed alone), and ASHA with one trial busy at
 * a time (its events come in one order only).
 */
import { expect, test } from "vitest";
import type { TrialDetail } from "../../src/protocol/api/resources.js";
import { CORE_API_DIR, SYNTHETIC_DIR } from "./support/build.js";
import {
  type Cluster,
  checkpointsOf,
  clustersClosedAfterEach,
  createExperiment,
  metricsOf,
  pauseUntilStopped,
  searchResult,
  trialDetails,
  waitFor,
  waitForEnd,
} from "./support/cluster.js";
import { batches, type ConfigInput, syntheticConfig, withChanges } from "./support/configs.js";

const startCluster = clustersClosedAfterEach();

const CHECKPOINT_PERIOD = 32;

/** Pauses `id` once `ready` holds, checks the stop, activates; returns what each stopped trial did. */
async function pauseAndActivate(
  c: Cluster,
  id: number,
  ready: (running: TrialDetail[]) => boolean,
) {
  const running = await waitFor(
    "trials in the middle of their training",
    async () => {
      const live = (await trialDetails(c, id)).filter((t) => t.running);
      return ready(live) ? live : null;
    },
    90,
    20,
  );
  const paused = Date.now();
  const stopped = await pauseUntilStopped(c, id, 30, 20);
  const stopSeconds = (Date.now() - paused) / 1000;
  const atPause = [];
  for (const before of running) {
    const t = stopped.find((s) => s.id === before.id)!;
    const last = t.allocations.at(-1)!;
    // Told to stop, it checkpointed, acknowledged and exited 0 (or, running trial after
    // trial, asked for the next one, which a paused experiment does not give).
    expect([t.state, last.exitCode]).toEqual(["PAUSED", 0]);
    expect(last.exitReason).toMatch(
      /^preempted \((exit code 0|its process asked for the next trial)\)$/,
    );
    const training = await metricsOf(c, t.id, "training");
    const pauseStep = Math.max(...training.map((m) => m.stepsCompleted));
    const checkpoint = (await checkpointsOf(c, t.id)).find((k) => k.uuid === t.latestCheckpoint);
    atPause.push({
      trialId: t.id,
      runId: last.runId,
      pauseStep,
      checkpointStep: checkpoint?.stepsCompleted ?? 0,
    });
  }
  await c.api("POST", `/experiments/${id}/activate`, {});
  return { stopSeconds, atPause };
}

/** After the end: each stopped trial's next run started right after its checkpoint. */
async function expectResumedFromCheckpoints(
  c: Cluster,
  atPause: { trialId: number; runId: number; pauseStep: number; checkpointStep: number }[],
) {
  for (const p of atPause) {
    // At most one checkpoint period of work is lost (the Trainer checkpoints as it stops: none).
    expect(p.checkpointStep).toBeGreaterThanOrEqual(p.pauseStep - CHECKPOINT_PERIOD);
    expect(p.checkpointStep).toBeGreaterThan(0);
    const training = await metricsOf(c, p.trialId, "training");
    const next = training.filter((m) => m.runId > p.runId);
    if (next.length === 0) continue; // it had nothing left to train (a promotion that never came)
    expect(Math.min(...next.map((m) => m.stepsCompleted))).toBeGreaterThan(p.checkpointStep);
    // Nothing before the checkpoint was trained again.
    expect(next.every((m) => m.stepsCompleted > p.checkpointStep)).toBe(true);
  }
}

async function uninterruptedAndPaused(
  c: Cluster,
  config: ConfigInput,
  ready: (running: TrialDetail[]) => boolean,
  workdir = SYNTHETIC_DIR,
) {
  const baseline = await createExperiment(c, config, workdir);
  const id = await createExperiment(c, config, workdir);
  const { stopSeconds, atPause } = await pauseAndActivate(c, id, ready);
  expect(await waitForEnd(c, id, 120)).toBe("COMPLETED");
  expect(await waitForEnd(c, baseline, 120)).toBe("COMPLETED");
  return {
    stopSeconds,
    atPause,
    paused: await searchResult(c, id),
    baseline: await searchResult(c, baseline),
  };
}

const randomSearch = (trials: number) =>
  withChanges(syntheticConfig("adaptive.yaml"), {
    name: "synthetic-random-paused",
    hyperparameters: {
      ...(syntheticConfig("adaptive.yaml").hyperparameters as object),
      // 2.4 s a trial: the pause reaches a trial seen at 40 to 96 batches before it ends,
      // even on a loaded machine.
      sleep_ms: 15,
    },
    searcher: {
      name: "random",
      max_trials: trials,
      max_concurrent_trials: 4,
      max_length: batches(160),
      mode: undefined,
      divisor: undefined,
      max_rungs: undefined,
    },
    min_validation_period: batches(CHECKPOINT_PERIOD),
    min_checkpoint_period: batches(CHECKPOINT_PERIOD),
    scheduling_unit: 4,
  });

const fourRunningPastForty = (running: TrialDetail[]) =>
  running.length === 4 && running.every((t) => t.lengthTrained >= 40 && t.lengthTrained <= 96);

test("a random search paused with four trials running stops within seconds and, activated, ends as an uninterrupted one", async () => {
  const cluster = await startCluster({ slots: 8 });
  const { stopSeconds, atPause, paused, baseline } = await uninterruptedAndPaused(
    cluster,
    randomSearch(8),
    fourRunningPastForty,
  );
  expect(atPause).toHaveLength(4);
  expect(stopSeconds).toBeLessThan(5);
  await expectResumedFromCheckpoints(cluster, atPause);
  expect(paused).toEqual(baseline);
  expect(paused.trials).toHaveLength(8);
}, 150_000);

/** Each trial's training rows, [step, metrics], by request id: what its loss curve shows. */
async function trainingCurves(c: Cluster, id: number) {
  const trials = await trialDetails(c, id);
  return Promise.all(
    trials.map(async (t) => ({
      requestId: t.requestId,
      training: (await metricsOf(c, t.id, "training")).map((m) => [m.stepsCompleted, m.metrics]),
    })),
  );
}

test("the core-API example's own preemption handling: paused, it checkpoints and exits; activated, it ends as an uninterrupted search, loss curves too", async () => {
  const cluster = await startCluster({ slots: 8 });
  const { stopSeconds, atPause, paused, baseline } = await uninterruptedAndPaused(
    cluster,
    { ...randomSearch(4), name: "core-api-random-paused" },
    fourRunningPastForty,
    CORE_API_DIR,
  );
  expect(atPause).toHaveLength(4);
  expect(stopSeconds).toBeLessThan(5);
  await expectResumedFromCheckpoints(cluster, atPause);
  expect(paused).toEqual(baseline);
  // It stops where it has just reported its training loss: a resumed trial reports the
  // losses of one that never stopped, not a short mean where it stopped and another after.
  const experiments = (await cluster.api<{ experiments: { id: number }[] }>("GET", "/experiments"))
    .experiments;
  const [first, second] = experiments.map((e) => e.id).sort((a, b) => a - b);
  expect(await trainingCurves(cluster, second!)).toEqual(await trainingCurves(cluster, first!));
}, 150_000);

test("an adaptive ASHA search paused in the middle ends with the same trials, lengths and metrics", async () => {
  const cluster = await startCluster({ slots: 2 });
  const c = cluster;
  const config = withChanges(syntheticConfig("adaptive.yaml"), {
    name: "synthetic-adaptive-paused",
    hyperparameters: {
      ...(syntheticConfig("adaptive.yaml").hyperparameters as object),
      sleep_ms: 1,
    },
    searcher: { max_concurrent_trials: 1 },
  });
  const { stopSeconds, atPause, paused, baseline } = await uninterruptedAndPaused(
    c,
    config,
    (running) =>
      running.some(
        (t) =>
          t.requestId >= 3 && t.lengthTrained >= 8 && t.currentOpLength! - t.lengthTrained >= 16,
      ),
  );
  expect(atPause.length).toBeGreaterThanOrEqual(1);
  expect(stopSeconds).toBeLessThan(5);
  await expectResumedFromCheckpoints(c, atPause);
  expect(paused).toEqual(baseline);
  expect(paused.trials).toHaveLength(16);
}, 150_000);
