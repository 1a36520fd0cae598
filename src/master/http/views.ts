/** Stored rows → the API's shapes (src/protocol/api). The one place that knows both. */
import {
  type AllocationSummary,
  type CheckpointSchema,
  type ExperimentDetail,
  type ExperimentSummary,
  type LogLineSchema,
  type MetricPoint,
  REDACTED,
  type TrialSummary,
} from "../../protocol/api/resources.js";
import { ignoredPreemptionSeconds } from "../domain/index.js";
import type {
  AllocationRow,
  CheckpointRow,
  ExperimentRow,
  ExperimentSummaryRow,
  LogLine,
  MetricRow,
  TrialRow,
} from "../storage/store.js";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Who owns an experiment, as the API shows it. */
export interface OwnerView {
  id: number;
  username: string;
}

export function experimentSummary(
  exp: ExperimentSummaryRow,
  /** Its trials by state (`Store.countTrials`). */
  trialCounts: Record<string, number>,
  owner: OwnerView,
): ExperimentSummary {
  return {
    id: exp.id,
    name: exp.name,
    state: exp.state,
    owner,
    searcher: exp.searcherName,
    metric: exp.metric,
    smallerIsBetter: exp.smallerIsBetter,
    progress: exp.state === "COMPLETED" ? 1 : exp.progress,
    bestMetric: exp.bestMetric,
    trialCounts,
    createdAt: exp.createdAt.toISOString(),
    endedAt: iso(exp.endedAt),
    endReason: exp.endReason,
  };
}

export function experimentDetail(
  exp: ExperimentRow,
  trialCounts: Record<string, number>,
  now: Date,
  owner: OwnerView,
  /** Whether the caller may see `environment.variables` (the owner, an admin, the trial itself). */
  showVariables: boolean,
): ExperimentDetail {
  const summary = experimentSummary(exp, trialCounts, owner);
  const elapsed = (now.getTime() - exp.createdAt.getTime()) / 1000;
  const p = summary.progress;
  // Unknown before any progress, and when so little was made that the estimate overflows;
  // none while paused or stopping, since the experiment is not heading for done then.
  const eta = p > 0 && exp.state === "ACTIVE" ? (elapsed * (1 - p)) / p : Number.NaN;
  const etaSeconds = exp.endedAt ? 0 : Number.isFinite(eta) ? Math.max(0, eta) : null;
  return {
    ...summary,
    ...configView(exp, showVariables),
    workdir: exp.workdir,
    etaSeconds,
  };
}

/**
 * The config as a caller may see it: environment variables often carry
 * credentials (API keys, bucket secrets), so only their names are shown to a
 * caller who may not see them, and the YAML, which holds the same values in
 * places anchors and merges make hard to find, is withheld.
 */
function configView(exp: ExperimentRow, showVariables: boolean) {
  const variables = exp.config.environment.variables;
  const redact = !showVariables && Object.keys(variables).length > 0;
  if (!redact) return { config: exp.config, configYaml: exp.configYaml, variablesRedacted: false };
  const hidden = Object.fromEntries(Object.keys(variables).map((k) => [k, REDACTED]));
  return {
    config: { ...exp.config, environment: { ...exp.config.environment, variables: hidden } },
    configYaml: null,
    variablesRedacted: true,
  };
}

/**
 * `live`: the trial's running allocation, if any (`queued`: its launcher has
 * not seen it start); `now` dates how long it has ignored a preemption.
 */
export function trialSummary(
  t: TrialRow,
  currentOpLength: number | null,
  live: AllocationRow | undefined,
  now: Date,
  queued = false,
): TrialSummary {
  return {
    id: t.id,
    experimentId: t.experimentId,
    requestId: t.requestId,
    state: t.state,
    hparams: t.hparams,
    restarts: t.restarts,
    runId: t.runId,
    lengthTrained: t.lengthTrained,
    currentOpLength,
    latestValidation: t.latestValidation,
    bestValidation: t.bestValidation,
    latestCheckpoint: t.latestCheckpointUuid,
    parentTrialId: t.parentTrialId,
    warmStartCheckpoint: t.warmStartCheckpointUuid,
    running: live !== undefined,
    queued: live !== undefined && queued,
    ignoringPreemptionSeconds: live
      ? ignoredPreemptionSeconds(now.getTime(), {
          preemptRequestedAt: live.preemptRequestedAt?.getTime() ?? null,
          preemptAcked: live.preemptAcked,
        })
      : null,
    createdAt: t.createdAt.toISOString(),
    endedAt: iso(t.endedAt),
    endReason: t.endReason,
  };
}

/** What people know a launcher's process by: a pid (local) or a Slurm job id, read from its stored handle. */
function launcherIds(handle: unknown): { pid: number | null; slurmJobId: string | null } {
  const h = (typeof handle === "object" && handle !== null ? handle : {}) as Record<
    string,
    unknown
  >;
  return {
    pid: Number.isInteger(h.pid) ? (h.pid as number) : null,
    slurmJobId: typeof h.jobId === "string" ? h.jobId : null,
  };
}

export function allocationSummary(a: AllocationRow): AllocationSummary {
  return {
    id: a.id,
    state: a.state,
    runId: a.runId,
    slots: a.slots,
    resourcePool: a.resourcePool,
    ...launcherIds(a.launcherHandle),
    preemptRequested: a.preemptRequested,
    exitCode: a.exitCode,
    exitReason: a.exitReason,
    createdAt: a.createdAt.toISOString(),
    endedAt: iso(a.endedAt),
  };
}

export function metricPoint(m: MetricRow): MetricPoint {
  return {
    id: m.id,
    trialId: m.trialId,
    group: m.group,
    stepsCompleted: m.stepsCompleted,
    runId: m.runId,
    metrics: m.metrics,
    reportTime: m.reportTime.toISOString(),
  };
}

export function checkpointView(
  c: CheckpointRow,
  validationMetric: number | null,
): CheckpointSchema {
  return {
    uuid: c.uuid,
    trialId: c.trialId,
    experimentId: c.experimentId,
    runId: c.runId,
    stepsCompleted: c.stepsCompleted,
    resources: c.resources,
    metadata: c.metadata,
    sizeBytes: c.sizeBytes,
    state: c.state,
    validationMetric,
    createdAt: c.createdAt.toISOString(),
  };
}

export function logLine(l: LogLine): LogLineSchema {
  return {
    id: l.id,
    allocationId: l.allocationId,
    time: l.time.toISOString(),
    stream: l.stream,
    line: l.line,
  };
}
