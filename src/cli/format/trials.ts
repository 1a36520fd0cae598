/** Trials as a table (`trial list`, `experiment describe`), sorted, and as a description (`trial describe`). */
import type { HParamSpecs } from "../../protocol/analysis/flat-hparams.js";
import { lastFailedTrial } from "../../protocol/api/last-failure.js";
import { launcherProcess } from "../../protocol/api/launcher-process.js";
import type { TrialDetail, TrialSummary } from "../../protocol/api/resources.js";
import { currentOpStatus } from "../../protocol/api/run-states.js";
import type { LengthUnit } from "../../protocol/config/types.js";
import { formatLength } from "../../searcher/format-preview.js";
import { usageError } from "../errors.js";
import { NO_STYLE, type Style, styleStateCell } from "./style.js";
import { type Column, type Field, renderFields, renderTable } from "./table.js";
import {
  formatCount,
  formatHparams,
  formatMetric,
  formatTime,
  pickHparams,
  varyingHparams,
} from "./values.js";

/** Sort keys besides the searcher metric (which sorts by each trial's best value). */
export const TRIAL_SORT_KEYS = ["id", "state", "length", "restarts", "latest"] as const;

export interface MetricInfo {
  /** The searcher metric's name: the only metric the master keeps per trial. */
  name: string;
  smallerIsBetter: boolean;
}

/** Better values first, trials without one last; ties by id. */
function byMetric(pick: (t: TrialSummary) => number | null, smallerIsBetter: boolean) {
  return (a: TrialSummary, b: TrialSummary) => {
    const x = pick(a);
    const y = pick(b);
    if (x !== null && y !== null && x !== y) return smallerIsBetter ? x - y : y - x;
    if ((x === null) !== (y === null)) return x === null ? 1 : -1;
    return a.id - b.id;
  };
}

/**
 * Trials in the order a person wants them: by `key` — the searcher metric
 * (best value, in the experiment's direction; the default), `latest`, `id`,
 * `state`, `length` or `restarts`.
 */
export function sortTrials(
  trials: readonly TrialSummary[],
  metric: MetricInfo,
  key: string = metric.name,
): TrialSummary[] {
  const out = [...trials];
  const byId = (a: TrialSummary, b: TrialSummary) => a.id - b.id;
  switch (key) {
    case metric.name:
    case "best":
      return out.sort(byMetric((t) => t.bestValidation, metric.smallerIsBetter));
    case "latest":
      return out.sort(byMetric((t) => t.latestValidation, metric.smallerIsBetter));
    case "id":
      return out.sort(byId);
    case "state":
      return out.sort((a, b) => a.state.localeCompare(b.state) || byId(a, b));
    case "length":
      return out.sort((a, b) => b.lengthTrained - a.lengthTrained || byId(a, b));
    case "restarts":
      return out.sort((a, b) => b.restarts - a.restarts || byId(a, b));
    default:
      throw usageError(
        `cannot sort trials by "${key}": the master keeps ${metric.name} for each trial; ` +
          `sort by one of ${[metric.name, ...TRIAL_SORT_KEYS].join(", ")}`,
      );
  }
}

export function lengthCell(t: TrialSummary): string {
  return t.currentOpLength === null
    ? formatCount(t.lengthTrained)
    : `${formatCount(t.lengthTrained)}/${formatCount(t.currentOpLength)}`;
}

/** "ignoring preemption for 45 s" while the trial's process ignores a request to stop. */
export function ignoringPreemption(t: TrialSummary): string | null {
  const seconds = t.ignoringPreemptionSeconds;
  return seconds === null || seconds === undefined ? null : `ignoring preemption for ${seconds} s`;
}

function runningNote(t: TrialSummary): string {
  if (!t.running) return "";
  if (t.queued) return " (queued: its job waits in the cluster's queue)";
  const ignoring = ignoringPreemption(t);
  return ignoring ? ` (running, ${ignoring})` : " (running)";
}

export function trialTable(
  trials: readonly TrialSummary[],
  metric: MetricInfo,
  specs: HParamSpecs,
  width: number | null,
  style: Style = NO_STYLE,
): string[] {
  if (trials.length === 0) return [];
  const varying = varyingHparams(trials.map((t) => t.hparams));
  const columns: Column<TrialSummary>[] = [
    { header: "ID", value: (t) => String(t.id), align: "right" },
    {
      header: "STATE",
      value: (t) => {
        const note = t.queued ? "queued" : ignoringPreemption(t);
        return `${t.state}${t.running ? "*" : ""}${note ? ` (${note})` : ""}`;
      },
      color: (p, t, s) => styleStateCell(s, t.state, p),
    },
    {
      header: `BEST ${metric.name}`,
      value: (t) => formatMetric(t.bestValidation),
      align: "right",
      min: 8,
    },
    {
      header: "LATEST",
      value: (t) => formatMetric(t.latestValidation),
      align: "right",
      optional: 2,
    },
    { header: "LENGTH", value: lengthCell, align: "right" },
    { header: "RESTARTS", value: (t) => String(t.restarts), align: "right", optional: 1 },
    {
      header: "HPARAMS",
      value: (t) => formatHparams(pickHparams(t.hparams, varying), specs),
      flex: true,
      min: 24,
    },
  ];
  return renderTable(trials, columns, { width, style });
}

export function describeTrial(
  t: TrialDetail,
  metric: MetricInfo,
  unit: LengthUnit,
  specs: HParamSpecs,
  width: number | null,
  style: Style = NO_STYLE,
): string[] {
  const fields: Field[] = [
    ["id", String(t.id)],
    ["experiment", String(t.experimentId)],
    ["state", `${t.state}${runningNote(t)}`, (shown) => styleStateCell(style, t.state, shown)],
    ["hparams", formatHparams(t.hparams, specs)],
    ["trained", formatLength(t.lengthTrained, unit)],
    [
      "current op",
      t.currentOpLength === null
        ? "–"
        : `train to ${formatLength(t.currentOpLength, unit)} (${currentOpStatus(t)})`,
    ],
    [`best ${metric.name}`, formatMetric(t.bestValidation)],
    [`latest ${metric.name}`, formatMetric(t.latestValidation)],
    ["restarts", String(t.restarts)],
    ["checkpoint", t.latestCheckpoint ?? "–"],
    ["created", formatTime(t.createdAt)],
  ];
  // pbt: the trial this one was copied from, and where it started.
  if (t.parentTrialId !== null)
    fields.splice(fields.length - 1, 0, [
      "copied from",
      `trial ${t.parentTrialId} (${t.warmStartCheckpoint ? `checkpoint ${t.warmStartCheckpoint}` : "from scratch"})`,
    ]);
  if (t.endedAt)
    fields.push(["ended", `${formatTime(t.endedAt)}${t.endReason ? ` (${t.endReason})` : ""}`]);
  const lines = renderFields(fields, style);
  if (t.ops.length > 0) {
    lines.push("", style.bold("operations"));
    lines.push(
      ...renderTable(
        t.ops,
        [
          { header: "LENGTH", value: (o) => formatCount(o.length), align: "right" },
          { header: "DONE", value: (o) => (o.completed ? "yes" : "no") },
          { header: metric.name, value: (o) => formatMetric(o.searcherMetric), align: "right" },
        ],
        { width, style },
      ),
    );
  }
  if (t.allocations.length > 0) {
    lines.push("", style.bold("runs"));
    lines.push(
      ...renderTable(
        t.allocations,
        [
          { header: "RUN", value: (a) => String(a.runId), align: "right" },
          { header: "STATE", value: (a) => a.state },
          {
            header: "EXIT",
            value: (a) => (a.exitCode === null ? "–" : String(a.exitCode)),
            align: "right",
          },
          { header: "REASON", value: (a) => a.exitReason ?? "–", flex: true },
          { header: "STARTED", value: (a) => formatTime(a.createdAt) },
          { header: "ENDED", value: (a) => formatTime(a.endedAt) },
          { header: "POOL", value: (a) => a.resourcePool, optional: 2 },
          { header: "PROCESS", value: (a) => launcherProcess(a) || "–", optional: 2 },
          { header: "ALLOCATION", value: (a) => a.id, optional: 1 },
        ],
        { width, style },
      ),
    );
  }
  return lines;
}

/**
 * Why a search has no best trial: the trial that failed last, its end reason
 * (the failing run's last log lines) and where to read the rest; else the
 * last that said its hyperparameters were invalid. Empty when neither.
 */
export function lastFailure(trials: readonly TrialSummary[], style: Style = NO_STYLE): string[] {
  const last = lastFailedTrial(trials);
  if (last === null) return [];
  const { trial: t, failed, invalid } = last;
  const heading = invalid
    ? failed > 1
      ? `the last of ${failed} trials with invalid hyperparameters`
      : "trial with invalid hyperparameters"
    : failed > 1
      ? `the last of ${failed} failed trials`
      : "failed trial";
  return [
    "",
    style.bold(heading),
    ...renderFields(
      [
        ["trial", `${t.id} (${t.restarts} restarts)`],
        ["reason", t.endReason ?? "–"],
        ["output", `pushtune trial logs ${t.id}`],
      ],
      style,
    ),
  ];
}
