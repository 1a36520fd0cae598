/**
 * An allocation told to stop, still running when the master restarts (a
 * Slurm job outlives the master), is adopted by the new master and still
 * killed at the end of its preemption timeout: the timers that would kill it
 * lived in the old master's memory. Once its SIGTERM was due, the old master
 * sent it (or cancelled a job still queued): however it ends, its end is the
 * master's doing, not a crash counted against its trial.
 */
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25));
};

test("an adopted allocation told to stop before a restart is killed at the end of its timeout", async () => {
  tm = await startTestMaster({ slots: 4, preemptionTimeoutSeconds: 0.3, adopts: true });
  const res = await tm.admin.post<{ id: number }>("/experiments", {
    config: ashaConfig(),
    workdir: "/tmp",
  });
  const id = res.body.id;
  await tm.settle();
  const told = running(tm).map((s) => s.allocationId);
  expect(told).toHaveLength(3);
  await tm.admin.post(`/experiments/${id}/cancel`);
  await tm.restart();
  expect([...tm.launcher.recovered].sort()).toEqual([...told].sort());
  await until(async () => (await tm.store.listLiveAllocations({ experimentId: id })).length === 0);
  expect([...tm.launcher.killed].sort()).toEqual([...told].sort());
  await tm.settle();
  expect((await tm.admin.get<{ state: string }>(`/experiments/${id}`)).body.state).toBe("CANCELED");
});

test("an adopted allocation that was not told to stop keeps running", async () => {
  tm = await startTestMaster({ slots: 4, preemptionTimeoutSeconds: 0.3, adopts: true });
  await tm.admin.post("/experiments", { config: ashaConfig(), workdir: "/tmp" });
  await tm.settle();
  const live = running(tm).map((s) => s.allocationId);
  await tm.restart();
  await new Promise((r) => setTimeout(r, 600));
  expect(tm.launcher.killed).toEqual([]);
  expect(tm.launcher.adopted.size).toBe(live.length);
});

test("an adopted allocation whose SIGTERM was due before a restart, and that dies of it, is not counted a crash", async () => {
  let clock = Date.parse("2026-01-01T00:00:00Z");
  tm = await startTestMaster({
    slots: 4,
    preemptionTimeoutSeconds: 60,
    adopts: true,
    master: { now: () => new Date(clock) },
  });
  const id = await createExperiment(tm, ashaConfig());
  await tm.settle();
  const told = running(tm).map((s) => s.allocationId);
  expect(told).toHaveLength(3);
  await tm.admin.post(`/experiments/${id}/pause`);
  await tm.settle();
  // Past the grace period, not the timeout: the old master sent SIGTERM (or cancelled a queued job).
  clock += 40_000;
  await tm.restart();
  expect(tm.launcher.killed).toEqual([]);
  for (const a of told) tm.launcher.exit(a, { exitCode: null, signal: "SIGTERM" });
  await tm.settle();
  const trials = await tm.store.listTrials({ experimentId: id });
  expect(trials.map((t) => t.restarts)).toEqual([0, 0, 0]);
  const ends = await Promise.all(told.map((a) => tm.store.getAllocation(a)));
  expect(ends.map((a) => a?.exitReason)).toEqual(told.map(() => "killed (killed by SIGTERM)"));
  expect((await tm.store.getExperiment(id))?.state).toBe("PAUSED");
});
