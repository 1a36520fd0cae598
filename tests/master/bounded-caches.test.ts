/**
 * What the master keeps in memory per experiment does not grow with every
 * experiment it ever ran: the configs the push path caches keep only the
 * recent ones (an ended or deleted experiment's goes out in time), the
 * rungs tallied for the web UI are bounded by what they hold, and the
 * answers to next_trial kept for retried asks go with their processes.
 */
import { afterEach, expect, test } from "vitest";
import { ExperimentRungs } from "../../src/master/app/experiment-rungs.js";
import { keepNewest } from "../../src/master/app/keep-newest.js";
import { ashaConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { running, TrialHandle } from "./support/trial.js";
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

/** Runs `n` experiments of one short trial each to completion, then `after` each; the configs kept. */
async function runExperiments(n: number, after: (id: number, m: TestMaster) => Promise<void>) {
  const m = await startTestMaster({ slots: 4 });
  tm = m;
  const config = ashaConfig(
    { name: "many" },
    { max_trials: 1, max_concurrent_trials: 1, num_rungs: 1, max_length: { batches: 10 } },
  );
  const player = new TrialPlayer(m, () => 0.5);
  for (let i = 0; i < n; i++) {
    const id = await createExperiment(m, config);
    expect(await player.run(id)).toBe("COMPLETED");
    m.launcher.launched.length = 0; // the fake launcher's own record, not the master's
    await after(id, m);
  }
  return (m.master.ctx as unknown as { configs: { configs: Map<number, unknown> } }).configs
    .configs;
}

test("the push path's cache of configs holds at most 256 experiments, however many ran", async () => {
  const configs = await runExperiments(300, async () => {});
  expect(configs.size).toBeLessThanOrEqual(256);
  expect(configs.size).toBeGreaterThan(0);
});

test("a deleted experiment's config is not kept for the push path", async () => {
  const configs = await runExperiments(3, async (id, m) => {
    expect((await m.admin.del(`/experiments/${id}`)).status).toBe(204);
  });
  expect(configs.size).toBe(0);
});

test("the rungs kept hold at most their bound of validations and trials, the least recently read going first", async () => {
  let rungs: ExperimentRungs | null = null;
  const ids: number[] = [];
  await runExperiments(5, async (id, m) => {
    rungs ??= new ExperimentRungs(m.store, 5);
    // One trial, validated once: two things held.
    expect((await rungs.get(id)).map((r) => r.reached.length)).toEqual([1]);
    ids.push(id);
  });
  expect(rungs!.size).toEqual({ experiments: 2, held: 4 });
  // One read again is tallied afresh, and the same.
  expect((await rungs!.get(ids[0]!)).map((r) => r.reached.length)).toEqual([1]);
  expect(rungs!.size).toEqual({ experiments: 2, held: 4 });
});

test("an answer to next_trial is kept while its process may ask again, and goes once the process has moved on or exited", async () => {
  tm = await startTestMaster({ slots: 1 });
  const config = ashaConfig(
    { name: "handovers" },
    { max_trials: 5, max_concurrent_trials: 1, num_rungs: 1, max_length: { batches: 10 } },
  );
  await createExperiment(tm, config);
  await tm.settle();
  const { handovers } = tm.master.push as unknown as { handovers: { size: number } };
  let spec = running(tm)[0]!;
  for (let i = 0; ; i++) {
    const t = new TrialHandle(tm, spec);
    expect((await t.complete(10, 0.5)).status).toBe(200);
    const next = await t.api.post<{ env: Record<string, string> | null }>(
      `/allocations/${spec.allocationId}/next_trial`,
    );
    await tm.settle();
    // The answer just given, for a retry; the one before it, to a process now asking as another.
    expect(handovers.size).toBe(1);
    if (next.body.env === null) break;
    const env = next.body.env;
    spec = {
      ...spec,
      env,
      trialId: Number(env.PUSHTUNE_TRIAL_ID),
      allocationId: env.PUSHTUNE_ALLOCATION_ID!,
    };
    expect(i).toBeLessThan(5);
  }
  tm.launcher.exit(spec.allocationId);
  await tm.settle();
  expect(handovers.size).toBe(0);
});
