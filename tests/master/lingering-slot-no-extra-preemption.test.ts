/**
 * A process told there is no next trial holds its slot until it exits, but it
 * is on its way out: the scheduler counts that slot as one that will be free,
 * as it does a preempted trial's, and never preempts another trial to make up
 * for it.
 */
import { afterEach, expect, test } from "vitest";
import { randomConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, TrialHandle } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

/** A random search of `trials` trials, all at once, at `priority`. */
const config = (name: string, priority: number, trials: number) => {
  const base = randomConfig(100, trials);
  return {
    ...base,
    name,
    searcher: { ...base.searcher, max_trials: trials },
    resources: { priority },
  };
};

test("higher priority trials displace as many lower priority ones as they need, not one more while the displaced processes exit", async () => {
  tm = await startTestMaster({ slots: 3, preemptionTimeoutSeconds: 30 });
  await tm.admin.post("/experiments", { config: config("low", 30, 3), workdir: "/tmp" });
  await tm.settle();
  const [kept, ...displaced] = running(tm).map((spec) => new TrialHandle(tm, spec));
  await tm.admin.post("/experiments", { config: config("high", 80, 2), workdir: "/tmp" });
  await tm.settle();
  for (const t of displaced) expect(await t.preempted()).toBe(true);
  expect(await kept!.preempted()).toBe(false);
  // Each displaced trial asks for a next trial instead of acknowledging: there is none for it,
  // and its process takes a while to exit.
  for (const t of displaced) {
    const ask = await t.api.post<{ env: unknown }>(
      `/allocations/${t.spec.allocationId}/next_trial`,
    );
    expect(ask.body).toEqual({ env: null });
    await tm.settle();
  }
  expect(await kept!.preempted()).toBe(false);
  for (const t of displaced) tm.launcher.exit(t.spec.allocationId, { exitCode: 0 });
  await tm.settle();
  expect(await kept!.preempted()).toBe(false);
  expect(running(tm).map((s) => s.experimentId)).toEqual([1, 2, 2]);
});
