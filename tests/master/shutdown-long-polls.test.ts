/**
 * A master that shuts down while trials wait in long polls answers each of
 * them "nothing yet, ask again" without touching the store it is about to
 * close: a trial's poll for preemption, a poll for its log lines and a custom
 * searcher's poll for events (the poll for an operation waits the same way). Before, each woke on the shutdown, read
 * the closed store and failed with a 500 logged as a master error.
 */
import { rm } from "node:fs/promises";
import { expect, test } from "vitest";
import { ashaConfig, customConfig } from "./support/configs.js";
import { createExperiment, startTestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

test("long polls parked when the master shuts down are answered without a store error", async () => {
  const tm = await startTestMaster({ slots: 1 });
  const custom = await createExperiment(tm, customConfig());
  await createExperiment(tm, ashaConfig());
  await tm.settle();
  const [spec] = running(tm);
  const trial = tm.as(spec!.env.PUSHTUNE_TOKEN!);
  const polls = [
    trial.get(`/allocations/${spec!.allocationId}/signals/preemption?timeoutSeconds=60`),
    trial.get(`/trials/${spec!.trialId}/logs?after=1000000&waitSeconds=60`),
    tm.admin.get(`/experiments/${custom}/searcher/events?after=1000000&waitSeconds=60`),
  ];
  for (let i = 0; i < 100 && tm.master.ctx.notifier.size < polls.length; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(tm.master.ctx.notifier.size).toBe(polls.length);

  // The order `pushtune master` closes in.
  await tm.app.close();
  await tm.master.close();
  await tm.store.close();
  const answers = await Promise.all(polls);
  for (const res of answers) expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(answers[0]!.body).toEqual({ preempt: false });
  await rm(tm.dataDir, { recursive: true, force: true });
});
