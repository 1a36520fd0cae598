/**
 * Which checkpoints survive garbage collection when an experiment ends
 * (DESIGN §7), by Determined's rule: the union of the experiment's best N, each
 * trial's best N and each trial's latest N. Everything else may be deleted.
 */
import type { ExperimentConfig } from "../../protocol/config/types.js";

export interface GcCheckpoint {
  uuid: string;
  trialId: number;
  stepsCompleted: number;
  /**
   * The searcher metric validated at this checkpoint's steps, or null when
   * there is none. A checkpoint without one (or with NaN) is never "best".
   */
  validationMetric: number | null;
}

/** How many to keep of each kind; 0 keeps none of that kind. */
export interface CheckpointKeepPolicy {
  saveExperimentBest: number;
  saveTrialBest: number;
  saveTrialLatest: number;
}

/**
 * The uuids to keep. Ties are broken so that the answer never depends on the
 * input order: among equal metrics the later checkpoint (more steps) wins,
 * then the smaller uuid.
 */
export function checkpointsToKeep(
  checkpoints: readonly GcCheckpoint[],
  policy: CheckpointKeepPolicy,
  smallerIsBetter: boolean,
): Set<string> {
  const keep = new Set<string>();
  const validated = checkpoints.filter(hasMetric);
  const bestFirst = (a: Validated, b: Validated): number =>
    (smallerIsBetter
      ? a.validationMetric - b.validationMetric
      : b.validationMetric - a.validationMetric) || latestFirst(a, b);

  for (const c of firstN([...validated].sort(bestFirst), policy.saveExperimentBest)) {
    keep.add(c.uuid);
  }
  for (const trial of groupByTrial(checkpoints).values()) {
    const trialValidated = trial.filter(hasMetric).sort(bestFirst);
    for (const c of firstN(trialValidated, policy.saveTrialBest)) keep.add(c.uuid);
    for (const c of firstN([...trial].sort(latestFirst), policy.saveTrialLatest)) keep.add(c.uuid);
  }
  return keep;
}

/** The keep policy and metric direction of an experiment's config. */
export function checkpointKeepPolicyOf(config: ExperimentConfig): {
  policy: CheckpointKeepPolicy;
  smallerIsBetter: boolean;
} {
  const storage = config.checkpoint_storage;
  return {
    policy: {
      saveExperimentBest: storage.save_experiment_best,
      saveTrialBest: storage.save_trial_best,
      saveTrialLatest: storage.save_trial_latest,
    },
    smallerIsBetter: config.searcher.smaller_is_better,
  };
}

type Validated = GcCheckpoint & { validationMetric: number };

function hasMetric(c: GcCheckpoint): c is Validated {
  return c.validationMetric !== null && !Number.isNaN(c.validationMetric);
}

function latestFirst(a: GcCheckpoint, b: GcCheckpoint): number {
  return b.stepsCompleted - a.stepsCompleted || compareStrings(a.uuid, b.uuid);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function firstN<T>(items: readonly T[], n: number): readonly T[] {
  return n > 0 ? items.slice(0, Math.floor(n)) : [];
}

function groupByTrial(checkpoints: readonly GcCheckpoint[]): Map<number, GcCheckpoint[]> {
  const byTrial = new Map<number, GcCheckpoint[]>();
  for (const c of checkpoints) {
    const list = byTrial.get(c.trialId);
    if (list) list.push(c);
    else byTrial.set(c.trialId, [c]);
  }
  return byTrial;
}
