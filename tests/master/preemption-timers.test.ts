/**
 * How a preempted trial's processes are stopped: asked over the API first,
 * SIGTERM after a grace period (half the timeout, at most a minute), SIGKILL
 * only at the end of the preemption timeout, however long that is. Timers are
 * faked, so minutes and days pass at once.
 */
import { afterEach, expect, test, vi } from "vitest";
import { MAX_TIMER_MS } from "../../src/protocol/timers.js";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => {
  vi.useRealTimers();
  await tm?.close();
});

async function pausedExperiment(options: { preemptionTimeoutSeconds?: number; config?: object }) {
  tm = await startTestMaster({ slots: 2, ...options });
  const res = await tm.admin.post<{ id: number }>("/experiments", {
    config: options.config ?? ashaConfig(),
    workdir: "/tmp",
  });
  expect(res.status).toBe(201);
  await tm.settle();
  const live = running(tm).map((s) => s.allocationId);
  expect(live).toHaveLength(2);
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  expect((await tm.admin.post(`/experiments/${res.body.id}/pause`)).status).toBe(200);
  await tm.settle();
  return live.sort();
}

/** Lets the timers' async work (reading the allocation, then signalling) run. */
async function advance(ms: number) {
  vi.advanceTimersByTime(ms);
  for (let i = 0; i < 5; i++) await tm.settle();
}

test("a trial that ignores its preemption gets SIGTERM after the grace period and SIGKILL at the timeout", async () => {
  const live = await pausedExperiment({ preemptionTimeoutSeconds: 300 });
  await advance(59_999);
  expect(tm.launcher.terminated).toEqual([]);
  await advance(1);
  expect(tm.launcher.terminated.sort()).toEqual(live);
  expect(tm.launcher.killed).toEqual([]);
  await advance(300_000 - 60_000 - 1);
  expect(tm.launcher.killed).toEqual([]);
  await advance(1);
  expect(tm.launcher.killed.sort()).toEqual(live);
});

test("a short preemption timeout sends SIGTERM at half of it", async () => {
  const live = await pausedExperiment({ preemptionTimeoutSeconds: 10 });
  await advance(4_999);
  expect(tm.launcher.terminated).toEqual([]);
  await advance(1);
  expect(tm.launcher.terminated.sort()).toEqual(live);
  await advance(5_000);
  expect(tm.launcher.killed.sort()).toEqual(live);
});

test("a preemption timeout longer than one timer holds does not kill the trial before it ends", async () => {
  const live = await pausedExperiment({ preemptionTimeoutSeconds: 3_000_000 });
  await advance(60_000);
  expect(tm.launcher.terminated.sort()).toEqual(live);
  await advance(MAX_TIMER_MS);
  expect(tm.launcher.killed).toEqual([]);
  await advance(3_000_000_000 - MAX_TIMER_MS - 60_000);
  expect(tm.launcher.killed.sort()).toEqual(live);
});

test("a trial that exits after SIGTERM is not killed afterwards, and its exit is no failure of its own", async () => {
  const live = await pausedExperiment({
    preemptionTimeoutSeconds: 300,
    config: ashaConfig({ max_restarts: 0 }),
  });
  await advance(60_000);
  // One ended by the signal, one by its own handler of it, with a non-zero code.
  tm.launcher.exit(live[0]!, { exitCode: null, signal: "SIGTERM" });
  tm.launcher.exit(live[1]!, { exitCode: 143, signal: null });
  await tm.settle();
  await advance(300_000);
  expect(tm.launcher.killed).toEqual([]);
  // The master ended them: paused as their experiment is, no restart counted.
  for (const a of live) {
    const allocation = (await tm.store.getAllocation(a))!;
    const trial = (await tm.store.getTrial(allocation.trialId))!;
    expect(trial).toMatchObject({ state: "PAUSED", restarts: 0, endReason: null });
  }
});

test("the experiment's own preemption_timeout applies when the scheduler takes a slot back", async () => {
  tm = await startTestMaster({ slots: 1 });
  const config = ashaConfig({ preemption_timeout: 1_000_000 });
  expect((await tm.admin.post("/experiments", { config, workdir: "/tmp" })).status).toBe(201);
  await tm.settle();
  const [spec] = running(tm);
  const api = tm.as(spec!.env.PUSHTUNE_TOKEN!);
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  // Its op done, it waits for a promotion while other trials wait for its slot.
  await api.post(`/trials/${spec!.trialId}/searcher/completed_operation`, {
    op: { length: 100 },
    searcherMetric: 0.5,
  });
  await tm.settle();
  expect((await tm.store.getAllocation(spec!.allocationId))!.preemptRequested).toBe(true);
  await advance(300_000);
  expect(tm.launcher.killed).toEqual([]);
  await advance(1_000_000_000 - 300_000);
  expect(tm.launcher.killed).toEqual([spec!.allocationId]);
});
