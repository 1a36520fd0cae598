/**
 * A finished random search written straight into the store: `trials` trials
 * with four hyperparameters and `points` validations each, on a curve that
 * is best for lr near 1e-2. Deterministic for a given size. With `constant`,
 * a fifth hyperparameter `constant` holds that value in every trial (a long
 * list makes a big list of trials).
 */
import type { Store } from "../../../src/master/storage/store.js";
import { parseExperimentConfig } from "../../../src/protocol/config/index.js";
import type { HParams, HParamValue } from "../../../src/protocol/config/types.js";

export const OPTIMIZERS = ["adam", "sgd", "adamw"] as const;

/** A small seeded generator (mulberry32). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export async function seedExperiment(
  store: Store,
  options: {
    trials: number;
    points: number;
    name?: string;
    ownerId: number;
    constant?: HParamValue;
  },
): Promise<{ experimentId: number; bestTrialId: number }> {
  const { trials, points, constant } = options;
  const constants: HParams = constant === undefined ? {} : { constant };
  const parsed = parseExperimentConfig({
    name: options.name ?? `seeded-${trials}`,
    entrypoint: "true",
    hyperparameters: {
      lr: { type: "log", minval: -4, maxval: -1, base: 10 },
      dropout: { type: "double", minval: 0, maxval: 0.5 },
      hidden: { type: "int", minval: 32, maxval: 512 },
      optimizer: { type: "categorical", vals: [...OPTIMIZERS] },
      ...constants,
    },
    searcher: {
      name: "random",
      metric: "validation_loss",
      max_length: { batches: points * 100 },
      max_trials: trials,
    },
  });
  if (!parsed.ok) throw new Error("seed config is invalid");
  const exp = await store.createExperiment({
    name: parsed.config.name ?? `seeded-${trials}`,
    config: parsed.config,
    configYaml: null,
    workdir: "/tmp",
    ownerId: options.ownerId,
  });
  const random = seeded(42);
  let best = Number.POSITIVE_INFINITY;
  let bestTrialId = 0;
  for (let i = 1; i <= trials; i++) {
    const lr = 10 ** (-4 + 3 * random());
    const hparams = {
      lr,
      dropout: 0.5 * random(),
      hidden: 32 + Math.floor(480 * random()),
      optimizer: OPTIMIZERS[Math.floor(3 * random())]!,
    };
    const t = await store.createTrial({
      experimentId: exp.id,
      requestId: i,
      hparams: { ...hparams, ...constants },
      trialSeed: i,
    });
    const d = Math.log10(lr) + 2;
    const floor = 0.2 + 0.3 * d * d + 0.2 * hparams.dropout;
    const reports = [];
    let trialBest = Number.POSITIVE_INFINITY;
    let value = 0;
    for (let k = 1; k <= points; k++) {
      value = floor + 2 / Math.sqrt(k) + 0.05 * random();
      trialBest = Math.min(trialBest, value);
      reports.push({
        group: "validation" as const,
        stepsCompleted: k * 100,
        metrics: { validation_loss: value },
        reportTime: new Date(),
      });
    }
    await store.addMetrics(t.id, 1, reports);
    await store.updateTrial(t.id, {
      state: "COMPLETED",
      lengthTrained: points * 100,
      completedLength: points * 100,
      latestValidation: value,
      bestValidation: trialBest,
      endedAt: new Date(),
    });
    if (trialBest < best) {
      best = trialBest;
      bestTrialId = t.id;
    }
  }
  await store.updateExperiment(exp.id, {
    state: "COMPLETED",
    progress: 1,
    bestMetric: best,
    endedAt: new Date(),
  });
  return { experimentId: exp.id, bestTrialId };
}
