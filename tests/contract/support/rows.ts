/**
 * The contract: what the database holds after a scenario, as a table. A
 * scenario states its expected table once; the TypeScript and the Python
 * trial must each leave exactly that table behind. Rows come from the REST
 * API (visible metrics, trials, ops, allocations, logs) and the store
 * (every checkpoint registered, also those collected since; which runs
 * acknowledged a preemption).
 */
import type { Cluster } from "../../e2e/support/cluster.js";
import { experiment, logsOf, metricsOf, trialDetails } from "../../e2e/support/cluster.js";
import { trainingLoss, validationLoss } from "./objective.js";

type Metrics = Record<string, number>;

export interface TrialRows {
  hparams: Record<string, unknown>;
  state: string;
  endReason: string | null;
  restarts: number;
  lengthTrained: number;
  /** Completed ops: [length, searcher metric]. */
  ops: [number, number | null][];
  /** Each run's allocation, by run id: its exit reason. */
  runs: (string | null)[];
  /** The runs that acknowledged a preemption. */
  acknowledged: number[];
  /** Visible metrics: [steps, run id, metrics]. */
  training: [number, number, Metrics][];
  validation: [number, number, Metrics][];
  /** Every checkpoint registered, in step order. */
  checkpoints: CheckpointRow[];
  /** Where each run resumed, by the trial's own account ("resumed at step N" in its logs). */
  resumedAt: number[];
}

/**
 * [steps, run id, its files, its metadata]; in the metadata `uuid` and
 * `trialId` are true when they name the checkpoint's own (the SDKs write the
 * same metadata file, so either reads the other's checkpoints).
 */
export type CheckpointRow = [number, number, string[], Record<string, unknown>];

export interface ExperimentRows {
  state: string;
  trials: TrialRows[];
}

export async function contractRows(c: Cluster, id: number): Promise<ExperimentRows> {
  const checkpoints = await c.store.listCheckpoints({ experimentId: id, includeDeleted: true });
  const metricRows = async (trialId: number, group: "training" | "validation") =>
    (await metricsOf(c, trialId, group)).map(
      (m) => [m.stepsCompleted, m.runId, m.metrics] as [number, number, Metrics],
    );
  const trials = await Promise.all(
    (await trialDetails(c, id)).map(
      async (t): Promise<TrialRows> => ({
        hparams: t.hparams,
        state: t.state,
        endReason: t.endReason,
        restarts: t.restarts,
        lengthTrained: t.lengthTrained,
        ops: t.ops.filter((o) => o.completed).map((o) => [o.length, o.searcherMetric]),
        runs: [...t.allocations].sort((a, b) => a.runId - b.runId).map((a) => a.exitReason),
        acknowledged: (await c.store.listAllocations(t.id))
          .filter((a) => a.preemptAcked)
          .map((a) => a.runId)
          .sort((a, b) => a - b),
        training: await metricRows(t.id, "training"),
        validation: await metricRows(t.id, "validation"),
        checkpoints: checkpoints
          .filter((k) => k.trialId === t.id)
          .map(
            (k): CheckpointRow => [
              k.stepsCompleted,
              k.runId,
              Object.keys(k.resources).sort(),
              {
                ...k.metadata,
                uuid: k.metadata.uuid === k.uuid,
                trialId: k.metadata.trialId === k.trialId,
              },
            ],
          )
          .sort((a, b) => a[0] - b[0] || a[1] - b[1]),
        resumedAt: (await logsOf(c, t.id)).flatMap((line) => {
          const m = /^resumed at step (\d+)$/.exec(line);
          return m ? [Number(m[1])] : [];
        }),
      }),
    ),
  );
  return { state: (await experiment(c, id)).state, trials };
}

/** Steps by the run that reported them: `{1: [5, 10], 2: [15]}`. */
export type StepsByRun = Record<number, number[]>;

export interface ExpectedTrial {
  hparams: { scale: number } & Record<string, unknown>;
  state?: string;
  endReason?: string | null;
  restarts?: number;
  lengthTrained: number;
  /** Lengths of the completed ops; each one's searcher metric is the validation there. */
  ops: number[];
  runs: string[];
  acknowledged?: number[];
  training: StepsByRun;
  validation: StepsByRun;
  checkpoints: StepsByRun;
  resumedAt?: number[];
}

const byStep = (rows: StepsByRun): [number, number][] =>
  Object.entries(rows)
    .flatMap(([run, steps]) => steps.map((s): [number, number] => [s, Number(run)]))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);

/** A trial's table row, the metric values filled in from the objective. */
export function expectedTrial(t: ExpectedTrial): TrialRows {
  const { scale } = t.hparams;
  return {
    hparams: t.hparams,
    state: t.state ?? "COMPLETED",
    endReason: t.endReason ?? null,
    restarts: t.restarts ?? 0,
    lengthTrained: t.lengthTrained,
    ops: t.ops.map((length) => [length, validationLoss(scale, length)]),
    runs: t.runs,
    acknowledged: t.acknowledged ?? [],
    training: byStep(t.training).map(([s, run]) => [s, run, { loss: trainingLoss(scale, s) }]),
    validation: byStep(t.validation).map(([s, run]) => [
      s,
      run,
      { validation_loss: validationLoss(scale, s) },
    ]),
    checkpoints: byStep(t.checkpoints).map(([s, run]) => [
      s,
      run,
      ["metadata.json", "state.json"],
      { uuid: true, trialId: true, stepsCompleted: s, framework: "pushtune" },
    ]),
    resumedAt: t.resumedAt ?? [],
  };
}

/** Exit reasons of allocations, as the master words them. */
export const COMPLETED = "completed (exit code 0)";
export const PREEMPTED = "preempted (exit code 0)";
