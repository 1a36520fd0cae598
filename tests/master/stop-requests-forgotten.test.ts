/**
 * What the master remembers of having asked an allocation to stop is
 * forgotten once the allocation has ended, also when the ask reaches an
 * allocation whose end was read in the meantime (a kill with a row listed a
 * moment before, a preemption timer that fires after the exit): a master
 * that runs for weeks keeps nothing of its ended allocations.
 */
import { afterEach, expect, test, vi } from "vitest";
import type { StopRequests } from "../../src/master/app/stop-requests.js";
import { randomConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => {
  vi.useRealTimers();
  await tm?.close();
});

function stops(): StopRequests {
  return (tm.master.supervisor as unknown as { stops: StopRequests }).stops;
}

/** A master of `n` slots running `n` trials of one experiment: their allocations. */
async function liveAllocations(n: number) {
  tm = await startTestMaster({ slots: n });
  const id = await createExperiment(tm, randomConfig(100, n));
  await tm.settle();
  const listed = await tm.store.listLiveAllocations({ experimentId: id });
  expect(listed).toHaveLength(n);
  return listed;
}

test("a kill of an allocation whose end was read meanwhile leaves nothing remembered", async () => {
  const listed = await liveAllocations(4);
  // Their processes die before the kills listed with them reach them.
  for (const spec of running(tm)) tm.launcher.exit(spec.allocationId, { exitCode: 1 });
  await tm.settle();
  for (const a of listed) await tm.master.supervisor.kill(a);
  await tm.settle();
  expect(tm.launcher.killed).toEqual([]);
  expect(stops().size).toBe(0);
});

test("a preemption whose allocation ends while it is being marked leaves nothing remembered once its timers have run", async () => {
  const listed = await liveAllocations(2);
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  // Each process exits while the master marks its allocation as told to stop.
  const update = tm.store.updateAllocation.bind(tm.store);
  const spy = vi.spyOn(tm.store, "updateAllocation").mockImplementation(async (aid, patch) => {
    await update(aid, patch);
    if (patch.preemptRequested) {
      tm.launcher.exit(aid, { exitCode: 0 });
      await tm.master.supervisor.idle();
    }
  });
  try {
    for (const a of listed) await tm.master.supervisor.requestPreemption(a, 10);
  } finally {
    spy.mockRestore();
  }
  await tm.settle();
  vi.advanceTimersByTime(10_000);
  for (let i = 0; i < 5; i++) await tm.settle();
  expect(tm.launcher.killed).toEqual([]);
  expect(stops().size).toBe(0);
});

test("a kill that comes while an allocation's exit is being read leaves nothing remembered", async () => {
  const listed = await liveAllocations(2);
  // The exit is being read (its last lines stored first) when the kills listed before it come.
  const { logs } = tm.master.supervisor;
  const flush = logs.flush.bind(logs);
  let killing = true;
  const spy = vi.spyOn(logs, "flush").mockImplementation(async () => {
    if (killing) {
      killing = false;
      for (const a of listed) await tm.master.supervisor.kill(a);
    }
    return flush();
  });
  try {
    tm.launcher.exit(listed[0]!.id, { exitCode: 0 });
    await tm.settle();
  } finally {
    spy.mockRestore();
  }
  tm.launcher.exit(listed[1]!.id, { exitCode: 0 });
  await tm.settle();
  expect(stops().size).toBe(0);
});
