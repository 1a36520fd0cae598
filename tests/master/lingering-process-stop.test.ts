/**
 * A process told there is no next trial for it is expected to exit; until it
 * has, it holds its slots. One that hangs on its way out gets its
 * experiment's preemption timeout to go, counted from when it was first told
 * to stop, then SIGTERM and SIGKILL as a preempted trial does. A restarted
 * master counts its slots still while its launcher runs it, and stops it
 * at the same time. Killing its experiment stops it too, as it stops the
 * experiment's running trials: its slots go to the trials that wait.
 */
import { afterEach, expect, test, vi } from "vitest";
import { randomConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { running, trial } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => {
  vi.useRealTimers();
  await tm?.close();
});

/**
 * Two experiments of one trial each on one slot; the first's trial runs, is
 * paused, and asks for a next trial on its way out: there is none. Its allocation.
 */
async function pausedAndToldToExit(
  options: Parameters<typeof startTestMaster>[0],
  fakeTimers = false,
) {
  tm = await startTestMaster({ slots: 1, ...options });
  const id = await createExperiment(tm, randomConfig(100, 1));
  await createExperiment(tm, randomConfig(100, 1));
  await tm.settle();
  const [spec] = running(tm);
  expect(spec?.experimentId).toBe(id);
  if (fakeTimers) vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  expect((await tm.admin.post(`/experiments/${id}/pause`)).status).toBe(200);
  const asked = await tm
    .as(spec!.env.PUSHTUNE_TOKEN!)
    .post(`/allocations/${spec!.allocationId}/next_trial`);
  expect(asked.body).toEqual({ env: null });
  await tm.settle();
  expect(tm.launcher.launched).toHaveLength(1);
  return spec!.allocationId;
}

async function advance(ms: number) {
  vi.advanceTimersByTime(ms);
  for (let i = 0; i < 5; i++) await tm.settle();
}

test("a process that does not exit after it was told there is no next trial gets SIGTERM after the grace period and SIGKILL at the timeout, and its slot is freed", async () => {
  const allocationId = await pausedAndToldToExit({ preemptionTimeoutSeconds: 10 }, true);
  // Counted from the pause, a moment (of real time) before the answer.
  await advance(4_000);
  expect(tm.launcher.terminated).toEqual([]);
  await advance(1_000);
  expect(tm.launcher.terminated).toEqual([allocationId]);
  expect(tm.launcher.killed).toEqual([]);
  await advance(3_000);
  expect(tm.launcher.killed).toEqual([]);
  await advance(2_000);
  expect(tm.launcher.killed).toEqual([allocationId]);
  expect(tm.launcher.launched.map((s) => s.experimentId)).toEqual([1, 2]);
});

test("a process of a completed experiment that does not exit is stopped at the timeout, counted from when it was told", async () => {
  tm = await startTestMaster({ slots: 1, preemptionTimeoutSeconds: 10 });
  const one = randomConfig(100, 1);
  const id = await createExperiment(tm, { ...one, searcher: { ...one.searcher, max_trials: 1 } });
  await createExperiment(tm, randomConfig(100, 1));
  await tm.settle();
  const t = trial(tm, running(tm)[0]!.trialId);
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  expect((await t.complete(100, 0.5)).status).toBe(200);
  await tm.settle();
  const asked = await t.api.post(`/allocations/${t.spec.allocationId}/next_trial`);
  expect(asked.body).toEqual({ env: null });
  await tm.settle();
  expect((await tm.store.getExperiment(id))?.state).toBe("COMPLETED");
  expect(tm.launcher.launched).toHaveLength(1);
  await advance(4_000);
  expect(tm.launcher.terminated).toEqual([]);
  await advance(5_000);
  expect(tm.launcher.terminated).toEqual([t.spec.allocationId]);
  expect(tm.launcher.killed).toEqual([]);
  await advance(1_000);
  expect(tm.launcher.killed).toEqual([t.spec.allocationId]);
  expect(tm.launcher.launched.map((s) => s.experimentId)).toEqual([id, id + 1]);
});

test("a process that exits in time is not signalled", async () => {
  const allocationId = await pausedAndToldToExit({ preemptionTimeoutSeconds: 10 }, true);
  tm.launcher.exit(allocationId, { exitCode: 0 });
  await tm.settle();
  expect(tm.launcher.launched.map((s) => s.experimentId)).toEqual([1, 2]);
  await advance(20_000);
  expect(tm.launcher.terminated).toEqual([]);
  expect(tm.launcher.killed).toEqual([]);
});

test("after a restart, a process told there is no next trial that its launcher still runs keeps its slot until it exits", async () => {
  const allocationId = await pausedAndToldToExit({ preemptionTimeoutSeconds: 30, adopts: true });
  await tm.restart();
  expect(tm.launcher.recovered).toEqual([allocationId]);
  expect(tm.launcher.launched).toEqual([]);
  tm.launcher.exit(allocationId, { exitCode: 0 });
  await tm.settle();
  expect(tm.launcher.launched.map((s) => s.experimentId)).toEqual([2]);
  // Gone, it is looked for no more.
  await tm.restart();
  expect(tm.launcher.recovered).not.toContain(allocationId);
});

test("after a restart, a process told there is no next trial is still stopped at the end of its timeout", async () => {
  const allocationId = await pausedAndToldToExit({ preemptionTimeoutSeconds: 10, adopts: true });
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  await tm.restart();
  await advance(10_000);
  expect(tm.launcher.killed).toEqual([allocationId]);
  expect(tm.launcher.launched.map((s) => s.experimentId)).toEqual([2]);
});

test("after a restart, a process told there is no next trial that its launcher has stopped frees its slot", async () => {
  const allocationId = await pausedAndToldToExit({ preemptionTimeoutSeconds: 30 });
  await tm.restart();
  expect(tm.launcher.recovered).toEqual([allocationId]);
  expect(tm.launcher.launched.map((s) => s.experimentId)).toEqual([2]);
});

test("killing a paused experiment stops its process that was told there is no next trial, and frees its slot", async () => {
  const allocationId = await pausedAndToldToExit({ preemptionTimeoutSeconds: 30 });
  const id = tm.launcher.launched[0]!.experimentId;
  // Its process hangs on its way out, holding the one slot, until the kill.
  expect((await tm.admin.post(`/experiments/${id}/kill`)).status).toBe(200);
  await tm.settle();
  expect(tm.launcher.killed).toEqual([allocationId]);
  expect(tm.launcher.launched.map((s) => s.experimentId)).toEqual([id, id + 1]);
  expect((await tm.store.getExperiment(id))?.state).toBe("CANCELED");
});

/** The process of a completed experiment's one trial is told there is no next trial, and lingers. */
async function completedAndLingering(options: Parameters<typeof startTestMaster>[0]) {
  tm = await startTestMaster({ slots: 1, ...options });
  const one = randomConfig(100, 1);
  const id = await createExperiment(tm, { ...one, searcher: { ...one.searcher, max_trials: 1 } });
  await tm.settle();
  const t = trial(tm, running(tm)[0]!.trialId);
  expect((await t.complete(100, 0.5)).status).toBe(200);
  await tm.settle();
  expect((await t.api.post(`/allocations/${t.spec.allocationId}/next_trial`)).body).toEqual({
    env: null,
  });
  await tm.settle();
  expect((await tm.store.getExperiment(id))?.state).toBe("COMPLETED");
  return { id, t };
}

test("deleting an experiment stops at once its process that was told there is no next trial", async () => {
  const { id, t } = await completedAndLingering({ preemptionTimeoutSeconds: 300 });
  expect((await tm.admin.del(`/experiments/${id}`)).status).toBe(204);
  await tm.settle();
  expect(tm.launcher.killed).toEqual([t.spec.allocationId]);
  // Seen to exit, it is looked for no more.
  await tm.restart();
  expect(tm.launcher.recovered).toEqual([]);
});

test("after its experiment was deleted and the master restarted, a process told there is no next trial is still found and stopped, and can push nothing", async () => {
  const { id, t } = await completedAndLingering({ preemptionTimeoutSeconds: 300, adopts: true });
  // The stop is lost (Slurm's controller out of reach, say): the process runs on.
  tm.launcher.kill = async (allocationId) => void tm.launcher.killed.push(allocationId);
  expect((await tm.admin.del(`/experiments/${id}`)).status).toBe(204);
  await tm.settle();
  await tm.restart();
  expect(tm.launcher.recovered).toEqual([t.spec.allocationId]);
  // Killed by a timer of no delay: on a loaded machine, a moment after the restart.
  await vi.waitFor(() => expect(tm.launcher.killed).toEqual([t.spec.allocationId]), {
    timeout: 5000,
  });
  expect(tm.launcher.adopted.has(t.spec.allocationId)).toBe(false);
  // Its token died with its experiment.
  const pushed = await t.metrics("training", 120, { loss: 0.1 });
  expect(pushed.status).toBe(401);
  // Seen to exit, it is looked for no more.
  await tm.restart();
  expect(tm.launcher.recovered).toEqual([]);
});
