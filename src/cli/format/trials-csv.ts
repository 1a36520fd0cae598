/**
 * `trial list --csv`: an experiment's trials as one table for a spreadsheet
 * or pandas, as a W&B project's export is. A row per trial with its id,
 * state, the searcher metric's best and latest value, length trained,
 * restarts, the trial it was copied from (pbt) and times, then a column per hyperparameter (`model.depth` for a
 * nested group's, in the config's order, then any other a trial has), every
 * number unrounded. RFC 4180: a field with a comma, a quote or a line break
 * is quoted, and lines end with CRLF.
 */
import {
  columnSpecs,
  flattenHparams,
  type HParamSpecs,
} from "../../protocol/analysis/flat-hparams.js";
import type { TrialSummary } from "../../protocol/api/resources.js";

type Cell = string | number | boolean | null | undefined;

export function trialsCsv(
  trials: readonly TrialSummary[],
  metric: string,
  specs: HParamSpecs,
): string {
  const flat = trials.map((t) => flattenHparams(t.hparams, specs));
  const names = [...columnSpecs(specs).keys()];
  for (const row of flat)
    for (const name of Object.keys(row)) if (!names.includes(name)) names.push(name);
  const header = [
    "id",
    "state",
    `best_${metric}`,
    `latest_${metric}`,
    "length",
    "restarts",
    "parent",
    "created",
    "ended",
    ...names,
  ];
  const rows = trials.map((t, i) => [
    t.id,
    t.state,
    t.bestValidation ?? undefined,
    t.latestValidation ?? undefined,
    t.lengthTrained,
    t.restarts,
    t.parentTrialId ?? undefined,
    t.createdAt,
    t.endedAt ?? undefined,
    ...names.map((name) => (Object.hasOwn(flat[i]!, name) ? flat[i]![name] : undefined)),
  ]);
  return [header, ...rows].map((row) => `${row.map(csvField).join(",")}\r\n`).join("");
}

/** A missing value (no validation yet, no parent, not ended) is empty; a null hyperparameter value is `null`, as its JSON. */
function csvField(value: Cell): string {
  if (value === undefined) return "";
  const text = value === null ? "null" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
