/**
 * Which checkpoints survive garbage collection when an experiment ends
 * (DESIGN §7), by Determined's rule: the union of the experiment's best N, each
 * trial's best N and each trial's latest N. Everything else may be deleted.
 *
 * A trial's "latest" is the checkpoint it would be resumed from, its
 * `latestCheckpointUuid`, not the one with the most steps: a run the trial has
 * moved past (its launcher took it for gone while it went on training) may
 * hand in checkpoints further along, but they are not the trial's work.
 */
import type { ExperimentConfig } from "../../protocol/config/types.js";

export interface GcCheckpoint {
  uuid: string;
  trialId: number;
  /** The run of the trial that wrote it. */
  runId: number;
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
  /** Each trial's latest checkpoint (`latestCheckpointUuid`), by trial id. */
  latestOf: ReadonlyMap<number, string | null>,
): Set<string> {
  const keep = new Set<string>();
  const validated = checkpoints.filter(hasMetric);
  const bestFirst = (a: Validated, b: Validated): number =>
    (smallerIsBetter
      ? a.validationMetric - b.validationMetric
      : b.validationMetric - a.validationMetric) || mostStepsFirst(a, b);

  for (const c of firstN([...validated].sort(bestFirst), policy.saveExperimentBest)) {
    keep.add(c.uuid);
  }
  for (const [trialId, trial] of groupByTrial(checkpoints)) {
    const trialValidated = trial.filter(hasMetric).sort(bestFirst);
    for (const c of firstN(trialValidated, policy.saveTrialBest)) keep.add(c.uuid);
    const latest = latestFirst(trial, latestOf.get(trialId) ?? null);
    for (const c of firstN(latest, policy.saveTrialLatest)) keep.add(c.uuid);
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

/**
 * One trial's checkpoints, latest first: the trial's latest checkpoint
 * (`latestUuid`), then the others by steps, newest first; those of runs after
 * the latest's run come last. A run after it never made a checkpoint the
 * trial's latest, so it was superseded when it handed them in.
 */
export function latestFirst<C extends Pick<GcCheckpoint, "uuid" | "runId" | "stepsCompleted">>(
  trial: readonly C[],
  latestUuid: string | null,
): C[] {
  const latest = trial.find((c) => c.uuid === latestUuid);
  const rank = (c: C): number => (c === latest ? 0 : latest && c.runId > latest.runId ? 2 : 1);
  return [...trial].sort((a, b) => rank(a) - rank(b) || mostStepsFirst(a, b));
}

function mostStepsFirst(
  a: Pick<GcCheckpoint, "uuid" | "stepsCompleted">,
  b: Pick<GcCheckpoint, "uuid" | "stepsCompleted">,
): number {
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
