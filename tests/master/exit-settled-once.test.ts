/**
 * An allocation's end is settled once, however many times it is read: a
 * restarted master's recovery reads the end of a process that is gone while
 * the process's own end may be read too.
 */
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test("an exit read twice at once is settled once: one restart, not two", async () => {
  tm = await startTestMaster({ slots: 1 });
  const res = await tm.admin.post("/experiments", { config: ashaConfig(), workdir: "/tmp" });
  expect(res.status).toBe(201);
  await tm.settle();
  const spec = running(tm)[0]!;
  const crash = { exitCode: 1, signal: null, lost: false };
  await Promise.all([
    tm.master.supervisor.handleExit(spec.allocationId, crash),
    tm.master.supervisor.handleExit(spec.allocationId, crash),
  ]);
  await tm.settle();
  expect(await tm.store.getTrial(spec.trialId)).toMatchObject({ restarts: 1 });
  expect(await tm.store.listAllocations(spec.trialId)).toHaveLength(2);
});
