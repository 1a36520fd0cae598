/** Experiments as a table (`experiment list`) and as a description (`experiment describe`). */
import type { ExperimentDetail, ExperimentSummary } from "../../protocol/api/resources.js";
import { isEnded } from "../../protocol/api/run-states.js";
import type { ExperimentConfig } from "../../protocol/config/types.js";
import { formatLength } from "../../searcher/format-preview.js";
import { asExperimentConfig } from "../experiment-config.js";
import { NO_STYLE, type Style, styleStateCell } from "./style.js";
import { type Column, type Field, renderFields, renderTable } from "./table.js";
import { formatDuration, formatMetric, formatProgress, formatTime } from "./values.js";

/** `done/total`, counting trials that ended whatever the reason. */
export function trialProgress(counts: Record<string, number>): string {
  let total = 0;
  let done = 0;
  for (const [state, n] of Object.entries(counts)) {
    total += n;
    if (isEnded(state)) done += n;
  }
  return `${done}/${total}`;
}

export function experimentTable(
  experiments: readonly ExperimentSummary[],
  width: number | null,
  style: Style = NO_STYLE,
): string[] {
  if (experiments.length === 0) return [];
  const columns: Column<ExperimentSummary>[] = [
    { header: "ID", value: (e) => String(e.id), align: "right" },
    { header: "NAME", value: (e) => e.name, flex: true, min: 16 },
    {
      header: "STATE",
      value: (e) => e.state,
      color: (p, e, s) => styleStateCell(s, e.state, p),
    },
    { header: "OWNER", value: (e) => e.owner.username, optional: 2 },
    { header: "SEARCHER", value: (e) => e.searcher, optional: 2 },
    { header: "PROGRESS", value: (e) => formatProgress(e.progress, e.state), align: "right" },
    { header: "TRIALS", value: (e) => trialProgress(e.trialCounts), align: "right" },
    { header: "METRIC", value: (e) => e.metric, optional: 3 },
    { header: "BEST", value: (e) => formatMetric(e.bestMetric), align: "right" },
    { header: "CREATED", value: (e) => formatTime(e.createdAt), optional: 1 },
  ];
  return renderTable(
    [...experiments].sort((a, b) => a.id - b.id),
    columns,
    { width, style },
  );
}

/** ` with sampler tpe` for an ASHA search that samples with TPE; "" for one that samples at random. */
function sampledBy(config: ExperimentConfig | null): string {
  const searcher = config?.searcher;
  return searcher && "sampler" in searcher && searcher.sampler === "tpe" ? " with sampler tpe" : "";
}

export function describeExperiment(e: ExperimentDetail, style: Style = NO_STYLE): string[] {
  const config = asExperimentConfig(e.config);
  const direction = e.smallerIsBetter ? "smaller is better" : "larger is better";
  const counts = Object.entries(e.trialCounts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([state, n]) => `${n} ${state}`)
    .join(", ");
  const eta =
    e.etaSeconds !== null && !isEnded(e.state) && e.progress > 0
      ? ` · ETA ${formatDuration(e.etaSeconds)}`
      : "";
  const fields: Field[] = [
    ["id", String(e.id)],
    ["name", e.name],
    ["state", e.state, (shown) => styleStateCell(style, e.state, shown)],
    ["owner", e.owner.username],
    ["searcher", `${e.searcher}${sampledBy(config)} on ${e.metric} (${direction})`],
  ];
  if (config)
    fields.push([
      "max length",
      formatLength(config.searcher.max_length.value, config.searcher.max_length.unit),
    ]);
  fields.push(
    ["progress", `${formatProgress(e.progress, e.state)}${eta}`],
    ["best", `${e.metric} ${formatMetric(e.bestMetric)}`],
    ["trials", `${trialProgress(e.trialCounts)} done${counts ? ` (${counts})` : ""}`],
    ["workdir", e.workdir],
    ["created", formatTime(e.createdAt)],
  );
  if (e.endedAt)
    fields.push(["ended", `${formatTime(e.endedAt)}${e.endReason ? ` (${e.endReason})` : ""}`]);
  return renderFields(fields, style);
}
