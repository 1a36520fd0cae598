/**
 * Checks of an ended ASHA search against its plan and its checkpoint policy,
 * shared by the end-to-end tests of both examples and both databases.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { checkpointKeepPolicyOf, checkpointsToKeep } from "../../../src/master/domain/index.js";
import type { ExperimentConfig } from "../../../src/protocol/config/types.js";
import { previewSearch } from "../../../src/searcher/index.js";
import { type Cluster, experiment, metricsOf, trialDetails, waitFor } from "./cluster.js";

/**
 * Every trial completed and trained up its bracket's rungs, from the first,
 * in order; each bracket started as many trials as planned, with the plan's
 * hyperparameters; the best 1/divisor of each rung (by the metric reported
 * there) went on to the next rung (asynchronous promotion may take a few
 * more, never fewer); each op's searcher metric is the validation at its
 * length. Returns the validations, `trialId:steps` → metric.
 */
export async function expectPlannedRungs(c: Cluster, id: number): Promise<Map<string, number>> {
  const config = (await experiment(c, id)).config as ExperimentConfig;
  const metric = config.searcher.metric;
  const plan = previewSearch(config);
  const trials = await trialDetails(c, id);
  expect(trials.map((t) => [t.requestId, t.state, t.restarts])).toEqual(
    plan.trials.map((t) => [t.requestId, "COMPLETED", 0]),
  );
  expect(trials.map((t) => t.hparams)).toEqual(plan.trials.map((t) => t.hparams));

  const rungs = plan.brackets.map((b) => b.rungs.map((r) => r.length));
  const results = plan.brackets.map((b) =>
    b.rungs.map(() => [] as { id: number; metric: number }[]),
  );
  const furthest = new Map<number, number>();
  const validations = new Map<string, number>();
  for (const t of trials) {
    expect(t.ops.every((o) => o.completed)).toBe(true);
    const lengths = t.ops.map((o) => o.length);
    const bracket = rungs.findIndex((r) => r[0] === lengths[0]);
    expect(bracket, `trial ${t.requestId} trained ${lengths}`).toBeGreaterThanOrEqual(0);
    expect(lengths).toEqual(rungs[bracket]!.slice(0, lengths.length));
    expect(t.lengthTrained).toBe(lengths.at(-1));
    for (const [k, op] of t.ops.entries()) {
      results[bracket]![k]!.push({ id: t.id, metric: op.searcherMetric! });
    }
    furthest.set(t.id, lengths.length - 1);

    for (const m of await metricsOf(c, t.id, "validation")) {
      validations.set(`${t.id}:${m.stepsCompleted}`, m.metrics[metric]!);
    }
    for (const op of t.ops) {
      expect(op.searcherMetric).toBe(validations.get(`${t.id}:${op.length}`));
    }
  }
  expect(results.map((b) => b[0]!.length)).toEqual(plan.brackets.map((b) => b.rungs[0]!.trials));
  const divisor = (config.searcher as { divisor: number }).divisor;
  const sign = config.searcher.smaller_is_better ? 1 : -1;
  for (const bracket of results) {
    for (const [k, rung] of bracket.entries()) {
      if (k === bracket.length - 1) continue;
      const best = [...rung]
        .sort((a, b) => sign * (a.metric - b.metric))
        .slice(0, Math.floor(rung.length / divisor));
      for (const { id: trialId } of best) expect(furthest.get(trialId)).toBeGreaterThan(k);
      expect(bracket[k + 1]!.length).toBeGreaterThanOrEqual(best.length);
    }
  }
  return validations;
}

/**
 * Checkpoint GC: the checkpoints left are exactly the keep rule applied to
 * every checkpoint the trials wrote (with the validations at their steps),
 * and only their folders remain on disk, whole.
 */
export async function expectCheckpointsKeptByPolicy(
  c: Cluster,
  id: number,
  validations: Map<string, number>,
): Promise<void> {
  const config = (await experiment(c, id)).config as ExperimentConfig;
  const all = await c.store.listCheckpoints({ experimentId: id, includeDeleted: true });
  const trials = await c.store.listTrials({ experimentId: id });
  const { policy, smallerIsBetter } = checkpointKeepPolicyOf(config);
  const keep = checkpointsToKeep(
    all.map((ckpt) => ({
      uuid: ckpt.uuid,
      trialId: ckpt.trialId,
      runId: ckpt.runId,
      stepsCompleted: ckpt.stepsCompleted,
      validationMetric: validations.get(`${ckpt.trialId}:${ckpt.stepsCompleted}`) ?? null,
    })),
    policy,
    smallerIsBetter,
    new Map(trials.map((t) => [t.id, t.latestCheckpointUuid])),
  );
  expect(keep.size).toBeLessThan(all.length);
  // Collection follows the experiment's end; give it a moment.
  const left = async () =>
    (await c.store.listCheckpoints({ experimentId: id })).map((ckpt) => ckpt.uuid);
  const active = await waitFor(
    "checkpoint collection",
    async () => {
      const uuids = await left();
      return uuids.length <= keep.size ? uuids : null;
    },
    10,
  ).catch(left);
  expect(new Set(active)).toEqual(keep);
  const onDisk = (await readdir(c.checkpointRoot)).filter((name) => !name.startsWith("."));
  expect(new Set(onDisk)).toEqual(keep);
  for (const uuid of keep) {
    expect((await readdir(join(c.checkpointRoot, uuid))).sort()).toEqual([
      "metadata.json",
      "model.json",
    ]);
  }
  // Each trial keeps at least the checkpoint it ended with.
  for (const t of await trialDetails(c, id)) expect(keep.has(t.latestCheckpoint!)).toBe(true);
}
