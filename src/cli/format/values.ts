/** Numbers, hyperparameters, durations and sizes, written short for tables and progress lines. */

import {
  flattenHparams,
  type HParamSpecs,
  readsAsScalar,
} from "../../protocol/analysis/flat-hparams.js";
import { shownProgress } from "../../protocol/api/run-states.js";

/** A metric with four significant digits; "–" when there is none. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-4))
    return value.toExponential(3).replace(/\.?0+e/, "e");
  return String(Number(value.toPrecision(4)));
}

/**
 * A string is written bare unless it could be read as another value: with a
 * space or `=`, empty, or a number, `true`, `false` or `null` as JSON reads
 * it, so a categorical of mixed types shows `1` and `"1"` apart. (A mapping
 * or a list reaches here as its JSON already.)
 */
function formatHparamValue(value: unknown): string {
  if (typeof value === "number") return formatMetric(value);
  if (typeof value === "string")
    return value === "" || /[\s=]/.test(value) || readsAsScalar(value)
      ? JSON.stringify(value)
      : value;
  return JSON.stringify(value);
}

/**
 * Each column's value written short, `model.depth` for a nested group's (as
 * the experiment's specs say: a mapping may also be one categorical value).
 */
export function flatHparams(
  hparams: Record<string, unknown>,
  specs: HParamSpecs,
): Record<string, string> {
  const flat = flattenHparams(hparams, specs);
  return Object.fromEntries(Object.entries(flat).map(([k, v]) => [k, formatHparamValue(v)]));
}

/** `lr=0.0012 hidden=64 model.depth=2`, in config order. */
export function formatHparams(hparams: Record<string, unknown>, specs: HParamSpecs): string {
  return Object.entries(flatHparams(hparams, specs))
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

/** Hyperparameters that differ between trials: constants are noise in a table. */
export function varyingHparams(all: readonly Record<string, unknown>[]): Set<string> {
  const seen = new Map<string, string>();
  const varying = new Set<string>();
  for (const h of all) {
    for (const [k, v] of Object.entries(h)) {
      const text = JSON.stringify(v);
      const before = seen.get(k);
      if (before === undefined) seen.set(k, text);
      else if (before !== text) varying.add(k);
    }
  }
  return varying;
}

/** Only the keys in `keep` (all of them when it is empty, so a single trial still shows something). */
export function pickHparams(
  hparams: Record<string, unknown>,
  keep: ReadonlySet<string>,
): Record<string, unknown> {
  if (keep.size === 0) return hparams;
  return Object.fromEntries(Object.entries(hparams).filter(([k]) => keep.has(k)));
}

/** `1h02m`, `3m05s`, `12s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s >= 3600) return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${s}s`;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** An ISO time as `YYYY-MM-DD HH:MM` in local time. */
export function formatTime(iso: string | null): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatPercent(fraction: number): string {
  return `${Math.floor(Math.min(Math.max(fraction, 0), 1) * 100)}%`;
}

/** An experiment's progress: `42%`, or `failed` for a failed search that did not get further (see shownProgress). */
export function formatProgress(progress: number, state: string): string {
  const { done, failed } = shownProgress(progress, state);
  return failed && done === 0 ? "failed" : formatPercent(done);
}

/** A length without its unit, grouped: `1,000`. Fractions (progress inside an op) are floored. */
export function formatCount(n: number): string {
  return Math.floor(n).toLocaleString("en-US");
}
