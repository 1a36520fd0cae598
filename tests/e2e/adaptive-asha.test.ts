/**
 * examples/synthetic/adaptive.yaml as a user would run it: 16 trials of
 * adaptive ASHA as real processes on a real master. The trials train exactly
 * the lengths the searcher plans, and after the experiment ends the
 * checkpoints left (rows and files) are those the keep policy names.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { checkpointKeepPolicyOf, checkpointsToKeep } from "../../src/master/domain/index.js";
import type { ExperimentConfig } from "../../src/protocol/config/types.js";
import { previewSearch } from "../../src/searcher/index.js";
import { SYNTHETIC_DIR } from "./support/build.js";
import {
  type Cluster,
  createExperiment,
  experiment,
  metricsOf,
  startCluster,
  trialDetails,
  waitFor,
  waitForEnd,
} from "./support/cluster.js";
import { syntheticConfig } from "./support/configs.js";

let cluster: Cluster | null = null;
afterEach(async () => {
  await cluster?.close();
  cluster = null;
});

test("an adaptive ASHA search of 16 synthetic trials trains the planned rungs and keeps the checkpoints its policy names", async () => {
  cluster = await startCluster({ slots: 4 });
  const c = cluster;
  const id = await createExperiment(c, syntheticConfig("adaptive.yaml"), SYNTHETIC_DIR);
  expect(await waitForEnd(c, id, 150)).toBe("COMPLETED");

  const config = (await experiment(c, id)).config as ExperimentConfig;
  const plan = previewSearch(config);
  const trials = await trialDetails(c, id);
  expect(trials).toHaveLength(16);
  expect(trials.map((t) => [t.state, t.restarts])).toEqual(trials.map(() => ["COMPLETED", 0]));
  // The same seed samples the same hyperparameters for each request.
  expect(trials.map((t) => t.hparams)).toEqual(plan.trials.map((t) => t.hparams));

  // Each trial trains up its bracket's rungs, from the first, in order. Every
  // bracket starts as many trials as planned, and the best 1/divisor of each
  // rung (ranked by the metric they reported there) went on to the next rung
  // (asynchronous promotion may take a few more, never fewer).
  const rungs = plan.brackets.map((b) => b.rungs.map((r) => r.length));
  const results = plan.brackets.map((b) =>
    b.rungs.map(() => [] as { id: number; metric: number }[]),
  );
  const furthest = new Map<number, number>();
  const validations = new Map<string, number>();
  for (const t of trials) {
    const lengths = t.ops.filter((o) => o.completed).map((o) => o.length);
    expect(t.ops.every((o) => o.completed)).toBe(true);
    const bracket = rungs.findIndex((r) => r[0] === lengths[0]);
    expect(bracket, `trial ${t.requestId} trained ${lengths}`).toBeGreaterThanOrEqual(0);
    expect(lengths).toEqual(rungs[bracket]!.slice(0, lengths.length));
    for (const [k, op] of t.ops.entries()) {
      results[bracket]![k]!.push({ id: t.id, metric: op.searcherMetric! });
    }
    furthest.set(t.id, lengths.length - 1);
    expect(t.lengthTrained).toBe(lengths.at(-1));

    // Each op's searcher metric is the validation reported at its length.
    for (const m of await metricsOf(c, t.id, "validation")) {
      validations.set(`${t.id}:${m.stepsCompleted}`, m.metrics.validation_loss!);
    }
    for (const op of t.ops) {
      expect(op.searcherMetric).toBe(validations.get(`${t.id}:${op.length}`));
    }
  }
  expect(results.map((b) => b[0]!.length)).toEqual(plan.brackets.map((b) => b.rungs[0]!.trials));
  const divisor = (config.searcher as { divisor: number }).divisor;
  results.forEach((bracket) => {
    bracket.forEach((rung, k) => {
      if (k === bracket.length - 1) return;
      const best = [...rung]
        .sort((a, b) => a.metric - b.metric)
        .slice(0, Math.floor(rung.length / divisor));
      for (const { id } of best) expect(furthest.get(id)).toBeGreaterThan(k);
      expect(bracket[k + 1]!.length).toBeGreaterThanOrEqual(best.length);
    });
  });

  // Checkpoint GC: what is left is exactly the keep rule applied to every
  // checkpoint the trials wrote, and only those folders remain on disk.
  const all = await c.store.listCheckpoints({ experimentId: id, includeDeleted: true });
  expect(all.length).toBeGreaterThan(16);
  const { policy, smallerIsBetter } = checkpointKeepPolicyOf(config);
  const keep = checkpointsToKeep(
    all.map((ckpt) => ({
      uuid: ckpt.uuid,
      trialId: ckpt.trialId,
      stepsCompleted: ckpt.stepsCompleted,
      validationMetric: validations.get(`${ckpt.trialId}:${ckpt.stepsCompleted}`) ?? null,
    })),
    policy,
    smallerIsBetter,
  );
  expect(keep.size).toBeLessThan(all.length);
  // Collection runs once the experiment has ended; give it a moment.
  const active = await waitFor(
    "checkpoint collection",
    async () => {
      const left = await c.store.listCheckpoints({ experimentId: id });
      return left.length <= keep.size ? left.map((ckpt) => ckpt.uuid) : null;
    },
    10,
  ).catch(async () =>
    (await c.store.listCheckpoints({ experimentId: id })).map((ckpt) => ckpt.uuid),
  );
  if (active.length !== keep.size) {
    const v = (ck: (typeof all)[number]) =>
      validations.get(`${ck.trialId}:${ck.stepsCompleted}`) ?? null;
    console.log(
      JSON.stringify(
        all.map((ck) => [
          ck.uuid.slice(0, 8),
          ck.trialId,
          ck.stepsCompleted,
          ck.state,
          ck.createdAt,
          v(ck),
          keep.has(ck.uuid),
          active.includes(ck.uuid),
        ]),
      ),
    );
    console.log(JSON.stringify(await experiment(c, id)));
  }
  expect(new Set(active)).toEqual(keep);
  const onDisk = (await readdir(c.checkpointRoot)).filter((name) => !name.startsWith("."));
  expect(new Set(onDisk)).toEqual(keep);
  for (const uuid of keep) {
    expect((await readdir(join(c.checkpointRoot, uuid))).sort()).toEqual([
      "metadata.json",
      "model.json",
    ]);
  }
  // Every trial keeps at least its latest checkpoint, the one it ended with.
  for (const t of trials) expect(keep.has(t.latestCheckpoint!)).toBe(true);
}, 180_000);
