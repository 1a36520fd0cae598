/**
 * An allocation told to stop, still running when the master restarts (a
 * Slurm job outlives the master), is adopted by the new master and still
 * killed at the end of its preemption timeout: the timers that would kill it
 * lived in the old master's memory.
 */
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
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
