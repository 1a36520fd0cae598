/**
 * What the master keeps in memory per experiment does not grow with every
 * experiment it ever ran: the configs the push path caches keep only the
 * recent ones (an ended or deleted experiment's goes out in time).
 */
import { afterEach, expect, test } from "vitest";
import { keepNewest } from "../../src/master/app/keep-newest.js";
import { ashaConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { TrialPlayer } from "./support/trial-player.js";

let tm: TestMaster | null = null;
afterEach(async () => {
  await tm?.close();
  tm = null;
});

test("keepNewest drops the oldest entries down to the bound", () => {
  const map = new Map([1, 2, 3, 4, 5].map((k) => [k, String(k)]));
  keepNewest(map, 3);
  expect([...map.keys()]).toEqual([3, 4, 5]);
  keepNewest(map, 5);
  expect([...map.keys()]).toEqual([3, 4, 5]);
});

test("the push path's cache of configs holds at most 256 experiments, however many ran", async () => {
  tm = await startTestMaster({ slots: 4 });
  const config = ashaConfig(
    { name: "many" },
    { max_trials: 1, max_concurrent_trials: 1, num_rungs: 1, max_length: { batches: 10 } },
  );
  const player = new TrialPlayer(tm, () => 0.5);
  for (let i = 0; i < 300; i++) {
    expect(await player.run(await createExperiment(tm, config))).toBe("COMPLETED");
    tm.launcher.launched.length = 0; // the fake launcher's own record, not the master's
  }
  const { configs } = (tm.master.push as unknown as { configs: { configs: Map<number, unknown> } })
    .configs;
  expect(configs.size).toBeLessThanOrEqual(256);
  expect(configs.size).toBeGreaterThan(0);
});
