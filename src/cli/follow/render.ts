/**
 * Live progress of an experiment as text, from one snapshot of it and its
 * trials: a frame of lines for a terminal (redrawn in place), a single line
 * for logs, and the closing summary. Pure functions, so what a person sees is
 * tested without a terminal.
 */
import cliProgress from "cli-progress";
import type { ExperimentDetail, TrialSummary } from "../../protocol/api/resources.js";
import { isEnded, shownProgress } from "../../protocol/api/run-states.js";
import type { ExperimentConfig } from "../../protocol/config/types.js";
import { plural } from "../../protocol/counts.js";
import { formatLength } from "../../searcher/format-preview.js";
import { gridSize } from "../../searcher/grid.js";
import { ashaRungLengths, lengthUnit } from "../experiment-config.js";
import { printable } from "../format/printable.js";
import { NO_STYLE, type Style, styleState } from "../format/style.js";
import { type Column, renderTable, truncate } from "../format/table.js";
import { lastFailure } from "../format/trials.js";
import {
  formatCount,
  formatDuration,
  formatHparams,
  formatMetric,
  formatProgress,
  pickHparams,
  varyingHparams,
} from "../format/values.js";
import { displayWidth } from "../format/width.js";

export interface FollowSnapshot {
  experiment: ExperimentDetail;
  trials: TrialSummary[];
  config: ExperimentConfig | null;
}

export interface RenderOptions {
  width: number | null;
  style?: Style;
  /** Most running trials listed one per line; the rest are counted. */
  maxTrialLines?: number;
}

/** How many trials reached each rung's length (ASHA only). */
export function rungCounts(
  rungs: readonly number[],
  trials: readonly TrialSummary[],
): { length: number; reached: number }[] {
  return rungs.map((length) => ({
    length,
    reached: trials.filter((t) => t.lengthTrained >= length).length,
  }));
}

/** The trial with the best searcher metric in the experiment's direction; ties go to the older trial. */
export function bestTrial(
  trials: readonly TrialSummary[],
  smallerIsBetter: boolean,
): TrialSummary | null {
  let best: TrialSummary | null = null;
  for (const t of trials) {
    if (t.bestValidation === null) continue;
    if (
      best === null ||
      (smallerIsBetter
        ? t.bestValidation < best.bestValidation!
        : t.bestValidation > best.bestValidation!) ||
      (t.bestValidation === best.bestValidation && t.id < best.id)
    )
      best = t;
  }
  return best;
}

export interface TrialTally {
  running: number;
  queued: number;
  done: number;
  /** The planned number of trials when the searcher has one, else the trials so far. */
  total: number;
}

export function tallyTrials(snapshot: FollowSnapshot): TrialTally {
  const { trials, config } = snapshot;
  const running = trials.filter((t) => t.running).length;
  const done = trials.filter((t) => isEnded(t.state)).length;
  const queued = trials.filter((t) => !t.running && !isEnded(t.state)).length;
  return { running, queued, done, total: Math.max(plannedTrials(config), trials.length) };
}

/** The trials a searcher plans: its `max_trials`, a grid's points, a single trial; else 0. */
function plannedTrials(config: ExperimentConfig | null): number {
  const s = config?.searcher;
  if (!s) return 0;
  if (s.name === "grid") return gridSize(config.hyperparameters);
  if (s.name === "single") return 1;
  return "max_trials" in s ? s.max_trials : 0;
}

function bestText(snapshot: FollowSnapshot): string {
  const { experiment: e, trials } = snapshot;
  const best = bestTrial(trials, e.smallerIsBetter);
  const metric = printable(e.metric);
  if (e.bestMetric === null && !best) return `best ${metric} –`;
  const value = best?.bestValidation ?? e.bestMetric;
  return `best ${metric} ${formatMetric(value)}${best ? ` (trial ${best.id})` : ""}`;
}

/** The progress bar drawn by cli-progress's bar formatter. */
export function progressBar(progress: number, size: number): string {
  const complete = "█".repeat(size);
  const incomplete = "░".repeat(size);
  return cliProgress.Format.BarFormat(Math.min(Math.max(progress, 0), 1), {
    barsize: size,
    barCompleteString: complete,
    barIncompleteString: incomplete,
    barGlue: "",
  });
}

/** One line for logs and pipes: `progress 42% · 3 running · 12/16 done · best validation_loss 0.123`. */
export function followLine(snapshot: FollowSnapshot): string {
  const e = snapshot.experiment;
  const tally = tallyTrials(snapshot);
  const parts = [
    `progress ${formatProgress(e.progress, e.state)}`,
    `${tally.running} running`,
    `${tally.done}/${tally.total} done`,
    bestText(snapshot),
  ];
  if (e.state !== "ACTIVE") parts.push(e.state);
  else if (e.etaSeconds !== null && e.progress > 0)
    parts.push(`eta ${formatDuration(e.etaSeconds)}`);
  return parts.join(" · ");
}

/** The frame redrawn on a terminal: header, bar with ETA, counts, rungs, a line per running trial. */
export function followFrame(snapshot: FollowSnapshot, options: RenderOptions): string[] {
  const style = options.style ?? NO_STYLE;
  const width = options.width ?? 100;
  const { experiment: e, trials, config } = snapshot;
  const unit = lengthUnit(config);
  const clip = (line: string) => truncate(line, width);
  const lines: string[] = [];

  const direction = e.smallerIsBetter ? "smaller is better" : "larger is better";
  lines.push(
    `${style.bold(`experiment ${e.id}`)} ${clip(printable(e.name))} · ${styleState(style, e.state)} · ${e.searcher} on ${printable(e.metric)} (${direction})`,
  );

  const eta =
    isEnded(e.state) || e.etaSeconds === null || e.progress <= 0
      ? ""
      : ` · ETA ${formatDuration(e.etaSeconds)}`;
  const after = ` ${formatProgress(e.progress, e.state).padStart(4)}${eta} · ${bestText(snapshot)}`;
  const barSize = Math.max(10, Math.min(40, width - displayWidth(after) - 2));
  lines.push(
    `${style.cyan(progressBar(shownProgress(e.progress, e.state).done, barSize))}${after}`,
  );

  const tally = tallyTrials(snapshot);
  lines.push(
    `trials  ${tally.running} running · ${tally.queued} waiting · ${tally.done}/${tally.total} done`,
  );

  const rungs = ashaRungLengths(config);
  if (rungs) {
    const counts = rungCounts(rungs, trials)
      .map((r) => `${formatLength(r.length, unit)}: ${r.reached}`)
      .join(" · ");
    lines.push(clip(`rungs   ${counts}`));
  }

  const running = trials.filter((t) => t.running).sort((a, b) => a.id - b.id);
  if (running.length > 0) {
    const max = options.maxTrialLines ?? 12;
    const shown = running.slice(0, max);
    const varying = varyingHparams(trials.map((t) => t.hparams));
    const specs = config?.hyperparameters ?? {};
    const columns: Column<TrialSummary>[] = [
      { header: "TRIAL", value: (t) => String(t.id), align: "right" },
      {
        header: "LENGTH",
        value: (t) =>
          t.currentOpLength === null
            ? `${formatCount(t.lengthTrained)} waiting`
            : `${formatCount(t.lengthTrained)}/${formatCount(t.currentOpLength)}`,
        align: "right",
      },
      {
        header: `LAST ${e.metric}`,
        value: (t) => formatMetric(t.latestValidation),
        align: "right",
      },
      {
        header: "HPARAMS",
        value: (t) => formatHparams(pickHparams(t.hparams, varying), specs),
        flex: true,
        min: 20,
      },
    ];
    lines.push("");
    lines.push(...renderTable(shown, columns, { width, style }).map((l) => `  ${l}`));
    if (running.length > shown.length)
      lines.push(`  … and ${running.length - shown.length} more running`);
  }
  return lines.map((l) => (style.enabled ? l : clip(l)));
}

export interface CheckpointLocation {
  uuid: string;
  /** Where its files are on this machine, when the CLI can tell. */
  path: string | null;
}

/** The closing lines: how it ended, the best trial, its hparams and metric, its checkpoint. */
export function finalSummary(
  snapshot: FollowSnapshot,
  checkpoint: CheckpointLocation | null,
  style: Style = NO_STYLE,
): string[] {
  const { experiment: e, trials } = snapshot;
  const lines: string[] = [];
  const wall =
    e.endedAt === null
      ? ""
      : ` in ${formatDuration((Date.parse(e.endedAt) - Date.parse(e.createdAt)) / 1000)}`;
  lines.push(
    `experiment ${e.id} ${styleState(style, e.state)}${wall} · ${plural(trials.length, "trial", "trials")}`,
  );
  if (e.state === "ERROR" && e.endReason) lines.push(`search failed: ${printable(e.endReason)}`);
  const best = bestTrial(trials, e.smallerIsBetter);
  if (!best) {
    lines.push(`no trial reported ${printable(e.metric)}`, ...lastFailure(trials, style));
    return lines;
  }
  lines.push(
    `best trial ${style.bold(String(best.id))}: ${printable(e.metric)} ${style.bold(formatMetric(best.bestValidation))}`,
  );
  const specs = snapshot.config?.hyperparameters ?? {};
  lines.push(`  hparams     ${printable(formatHparams(best.hparams, specs))}`);
  if (checkpoint?.path) lines.push(`  checkpoint  ${checkpoint.path}`);
  else if (checkpoint)
    lines.push(
      `  checkpoint  ${checkpoint.uuid} (pushtune checkpoint download ${checkpoint.uuid})`,
    );
  else lines.push("  checkpoint  none saved");
  return lines;
}
