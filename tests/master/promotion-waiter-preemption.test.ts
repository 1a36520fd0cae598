/**
 * When a trial waiting for a promotion must give its slot up, the one least
 * likely to be promoted does: the searcher's view of its rung decides, not the
 * trial's id.
 */
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, TrialHandle } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test("of two trials waiting for a promotion, the worse placed in its rung gives its slot to a trial that needs one", async () => {
  tm = await startTestMaster({ slots: 3 });
  const created = await tm.admin.post("/experiments", {
    config: ashaConfig({}, { max_trials: 3, max_concurrent_trials: 3 }),
    workdir: "/tmp",
  });
  expect(created.status).toBe(201);
  await tm.settle();
  const [first, second] = running(tm).map((spec) => new TrialHandle(tm, spec));
  // Both wait in rung 0, nobody needs their slots: the first (worse) has the lower id.
  expect((await first!.complete(100, 0.9)).body).toEqual({ op: null, completed: false });
  expect((await second!.complete(100, 0.5)).body).toEqual({ op: null, completed: false });
  // Another experiment's trial needs a slot.
  await tm.admin.post("/experiments", {
    config: ashaConfig({ name: "other" }, { max_trials: 1 }),
    workdir: "/tmp",
  });
  await tm.settle();
  expect(await first!.preempted()).toBe(true);
  expect(await second!.preempted()).toBe(false);
});
