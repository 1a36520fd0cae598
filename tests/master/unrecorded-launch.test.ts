/**
 * A master that died after its launcher started a run, before it stored the
 * run's handle, leaves the allocation STARTING without one. The next master
 * asks the launcher all the same: a process it finds is adopted, its handle
 * stored and the allocation RUNNING, as the launch would have left it; the
 * trial is not started a second time.
 */
import { afterEach, expect, test } from "vitest";
import { singleConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test("a run whose handle was never stored is adopted when its launcher finds it, and its handle stored", async () => {
  tm = await startTestMaster({ slots: 1, adopts: true });
  const id = await createExperiment(tm, singleConfig("unrecorded"));
  await tm.settle();
  const [spec] = running(tm);
  // As left by a master that died between the launch and storing its handle.
  await tm.store.updateAllocation(spec!.allocationId, { state: "STARTING", launcherHandle: null });
  await tm.restart();
  expect(tm.launcher.recovered).toEqual([spec!.allocationId]);
  expect(tm.launcher.launched).toEqual([]);
  const a = await tm.store.getAllocation(spec!.allocationId);
  expect([a?.state, a?.launcherHandle]).toEqual(["RUNNING", { fake: spec!.allocationId }]);
  const trials = await tm.store.listTrials({ experimentId: id });
  expect(trials.map((t) => [t.state, t.runId, t.restarts])).toEqual([["ACTIVE", 1, 0]]);
});

test("a run whose handle was never stored and that its launcher does not find is started again, no restart counted", async () => {
  tm = await startTestMaster({ slots: 1 });
  const id = await createExperiment(tm, singleConfig("never-launched"));
  await tm.settle();
  const [spec] = running(tm);
  await tm.store.updateAllocation(spec!.allocationId, { state: "STARTING", launcherHandle: null });
  await tm.restart();
  const a = await tm.store.getAllocation(spec!.allocationId);
  expect([a?.state, a?.exitReason]).toEqual(["TERMINATED", expect.stringMatching(/^lost/)]);
  expect(running(tm).map((s) => s.trialId)).toEqual([spec!.trialId]);
  const trials = await tm.store.listTrials({ experimentId: id });
  expect(trials.map((t) => [t.runId, t.restarts])).toEqual([[2, 0]]);
});

test("a run whose handle was never stored, ended before its launcher found it, still has its handle stored", async () => {
  tm = await startTestMaster({ slots: 1 });
  await createExperiment(tm, singleConfig("ended-unrecorded"));
  await tm.settle();
  const [spec] = running(tm);
  await tm.store.updateAllocation(spec!.allocationId, { state: "STARTING", launcherHandle: null });
  await tm.restart(); // read as lost
  tm.master.supervisor.found(spec!.allocationId, { fake: "found late" });
  await tm.settle();
  const a = await tm.store.getAllocation(spec!.allocationId);
  expect([a?.state, a?.launcherHandle]).toEqual(["TERMINATED", { fake: "found late" }]);
});
