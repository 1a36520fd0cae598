/** How numbers, times and states read in the UI. */

import { readsAsScalar } from "../protocol/analysis/flat-hparams.js";
import { isEnded, RUN_STATES } from "../protocol/api/run-states.js";

export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3);
  return Number(value.toPrecision(5)).toString();
}

/** A tick label of a log axis: 0.001, 0.01, 1, 100 or 1e-4, 1e+6 (never a rounded "0"). */
export function formatLogTick(v: number): string {
  return v < 1e-3 || v >= 1e6 ? v.toExponential(0) : String(Number(v.toPrecision(6)));
}

export function formatNumber(value: number): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** 0 s, 42 s, 3 m 20 s, 2 h 05 m, 3 d 4 h. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, "0")} s`;
  if (s < 86400)
    return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} m`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/**
 * A moment in the user's locale and time zone: its time of day, and its date
 * unless it is today (a run from yesterday must not read as one from today).
 * `seconds` for log lines.
 */
export function formatTime(iso: string | null | undefined, seconds = false): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const today = new Date();
  const options: Intl.DateTimeFormatOptions = { hour: "numeric", minute: "2-digit" };
  if (seconds) options.second = "2-digit";
  if (d.toDateString() !== today.toDateString()) {
    options.month = "short";
    options.day = "numeric";
    if (d.getFullYear() !== today.getFullYear()) options.year = "numeric";
  }
  return d.toLocaleString(undefined, options);
}

/**
 * The word for a length on an axis: the unit of the config's
 * `searcher.max_length` (batches, records, epochs), or "length" for a
 * unitless one or when the config is not at hand.
 */
export function lengthWord(config: unknown): string {
  const unit = (config as { searcher?: { max_length?: { unit?: unknown } } } | null | undefined)
    ?.searcher?.max_length?.unit;
  return unit === "batches" || unit === "records" || unit === "epochs" ? unit : "length";
}

/**
 * The word for a metric's or a checkpoint's step (`stepsCompleted`): the
 * Trainers count them in batches whatever unit the searcher's lengths are in
 * (an epochs search validates at batch 100, 200, …), so "batches", or
 * "length" for a unitless config.
 */
export function stepWord(config: unknown): string {
  return lengthWord(config) === "length" ? "length" : "batches";
}

/** A length's word as a table column's title: "Batches", "Length". */
export function columnTitle(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** A length with its word: "300 batches", or "length 300" without a unit. */
export function atLength(word: string, length: number): string {
  return word === "length" ? `length ${formatNumber(length)}` : `${formatNumber(length)} ${word}`;
}

/** Seconds from `start` to `end` (or to `now` while it runs). */
export function elapsedSeconds(start: string, end: string | null, now: number): number {
  return ((end ? Date.parse(end) : now) - Date.parse(start)) / 1000;
}

/** A hyperparameter's value; a string that would read as a number, true, false or null is quoted. */
export function formatValue(value: unknown): string {
  if (typeof value === "number") return formatMetric(value);
  if (typeof value === "string") return readsAsScalar(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

export const isTerminal = isEnded;

/** Experiment and trial states, in the order filters list them. */
export const STATES = RUN_STATES;

export function stateClass(state: string): string {
  if (state === "ACTIVE") return "state-active";
  if (state === "PAUSED") return "state-paused";
  if (state === "COMPLETED") return "state-completed";
  if (state === "ERROR" || state === "STOPPING_ERROR") return "state-error";
  if (state.startsWith("STOPPING")) return "state-stopping";
  return "state-canceled";
}

export const stateLabel = (state: string) => state.toLowerCase().replace("_", " ");
