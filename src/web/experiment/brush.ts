/**
 * The axes of the parallel-coordinates plot and the brush over them: a range
 * on numeric axes, a set of values on categorical ones. A brush is written
 * into the address as `lr:0.001..0.01,optimizer:=adam|sgd,validation_loss:..0.4`
 * (keys and values URI-encoded; an open end is left empty).
 */
import type { TrialSummary } from "../../protocol/api/resources.js";
import { type Flat, type HParamColumn, spanWith } from "./hparams.js";

export interface Axis {
  key: string;
  kind: "linear" | "log" | "categorical";
  categories: readonly string[];
  /** Per trial, in the list's order: the number, or the category's index; NaN when missing. */
  values: Float64Array;
  /** NaN, both, on a numeric axis with no value and no configured range: it has no scale. */
  min: number;
  max: number;
}

export type AxisBrush = { lo: number; hi: number } | { cats: ReadonlySet<string> };
export type Brush = ReadonlyMap<string, AxisBrush>;

const text = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

function axisOf(
  key: string,
  kind: Axis["kind"],
  categories: string[],
  raw: (i: number) => unknown,
  n: number,
  range: [number, number] | null = null,
): Axis {
  const values = new Float64Array(n);
  const index = new Map(categories.map((c, i) => [c, i]));
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const r = raw(i);
    let v = Number.NaN;
    if (kind === "categorical")
      v = r === undefined || r === null ? Number.NaN : (index.get(text(r)) ?? Number.NaN);
    else if (typeof r === "number" && (kind === "linear" || r > 0)) v = r;
    values[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (kind === "categorical") {
    min = 0;
    max = Math.max(0, categories.length - 1);
  } else if (range) {
    // The range the config samples from, as Determined draws it: where the trials lie in it.
    [min, max] = min <= max ? spanWith(range, min, max) : range;
  } else if (!(min <= max)) {
    // No value and no configured range (the metric before any validation): no scale to draw.
    min = max = Number.NaN;
  }
  return { key, kind, categories, values, min, max };
}

/**
 * Where an axis has ticks: each category; a log axis's decades (or its two
 * ends when it spans less than two); else its ends and quarters, whole
 * numbers only on an axis of whole numbers (an int hyperparameter of 1 to 4
 * has no tick at 1.75).
 */
export function axisTicks(a: Axis): number[] {
  if (a.kind === "categorical") return a.categories.map((_, i) => i);
  if (Number.isNaN(a.min)) return [];
  if (a.min === a.max) return [a.min];
  if (a.kind === "log") {
    const out = [];
    for (let e = Math.ceil(Math.log10(a.min)); e <= Math.floor(Math.log10(a.max)); e++)
      out.push(10 ** e);
    return out.length >= 2 ? out : [a.min, a.max];
  }
  const quarters = [0, 0.25, 0.5, 0.75, 1].map((f) => a.min + f * (a.max - a.min));
  const whole =
    Number.isInteger(a.min) &&
    Number.isInteger(a.max) &&
    a.values.some((v) => !Number.isNaN(v)) &&
    a.values.every((v) => Number.isNaN(v) || Number.isInteger(v));
  return whole ? [...new Set(quarters.map(Math.round))] : quarters;
}

/**
 * One axis per varying hyperparameter, then the metric (each trial's best
 * validation), always last. A hyperparameter may have the metric's name (`loss`
 * for the loss function, searching on `loss`): the metric's axis is then keyed
 * `loss (metric)`, so that neither is taken for the other, nor brushed with it.
 */
export function buildAxes(
  trials: readonly TrialSummary[],
  flat: readonly Flat[],
  columns: readonly HParamColumn[],
  metric: string,
): Axis[] {
  const n = trials.length;
  const axes = columns
    .filter((c) => !c.constant)
    .map((c) =>
      axisOf(
        c.key,
        !c.numeric ? "categorical" : c.log ? "log" : "linear",
        c.categories,
        (i) => flat[i]?.[c.key],
        n,
        c.range,
      ),
    );
  const metricKey = axes.some((a) => a.key === metric) ? `${metric} (metric)` : metric;
  axes.push(axisOf(metricKey, "linear", [], (i) => trials[i]!.bestValidation, n));
  return axes;
}

/** Whether trial `i` passes the axis's brush. */
export function passes(axis: Axis, b: AxisBrush, i: number): boolean {
  const v = axis.values[i]!;
  if (Number.isNaN(v)) return false;
  if ("cats" in b) return b.cats.has(axis.categories[v] ?? "");
  return v >= b.lo && v <= b.hi;
}

/** Per trial (in the list's order): 1 when it passes every brushed axis. Axes not shown are ignored. */
export function brushMask(axes: readonly Axis[], brush: Brush): Uint8Array {
  const n = axes[0]?.values.length ?? 0;
  const mask = new Uint8Array(n).fill(1);
  for (const axis of axes) {
    const b = brush.get(axis.key);
    if (!b) continue;
    for (let i = 0; i < n; i++) if (mask[i] && !passes(axis, b, i)) mask[i] = 0;
  }
  return mask;
}

const num = (s: string) => (s === "" ? Number.NaN : Number(s));

/** Reads a brush; parts it cannot read are left out. */
export function parseBrush(value: string | null): Map<string, AxisBrush> {
  const brush = new Map<string, AxisBrush>();
  if (!value) return brush;
  for (const part of value.split(",")) {
    const colon = part.lastIndexOf(":");
    if (colon <= 0) continue;
    let key: string;
    try {
      key = decodeURIComponent(part.slice(0, colon));
      const rest = part.slice(colon + 1);
      if (rest.startsWith("=")) {
        const cats = rest.slice(1).split("|").filter(Boolean).map(decodeURIComponent);
        brush.set(key, { cats: new Set(cats) });
        continue;
      }
      const [a = "", b = ""] = rest.split("..");
      const lo = num(a);
      const hi = num(b);
      if (!rest.includes("..") || (a !== "" && Number.isNaN(lo)) || (b !== "" && Number.isNaN(hi)))
        continue;
      brush.set(key, { lo: a === "" ? -Infinity : lo, hi: b === "" ? Infinity : hi });
    } catch {}
  }
  return brush;
}

export function formatBrush(brush: Brush): string {
  const end = (v: number) => (Number.isFinite(v) ? String(v) : "");
  return [...brush.entries()]
    .map(([key, b]) =>
      "cats" in b
        ? `${encodeURIComponent(key)}:=${[...b.cats].map(encodeURIComponent).join("|")}`
        : `${encodeURIComponent(key)}:${end(b.lo)}..${end(b.hi)}`,
    )
    .join(",");
}

/** A brush range's ends as the address keeps them: four significant digits, widened outwards. */
export function roundRange(lo: number, hi: number): { lo: number; hi: number } {
  const round = (v: number, up: boolean) => {
    if (v === 0 || !Number.isFinite(v)) return v;
    const scale = 10 ** (Math.floor(Math.log10(Math.abs(v))) - 3);
    return (up ? Math.ceil(v / scale) : Math.floor(v / scale)) * scale;
  };
  return {
    lo: Number(round(lo, false).toPrecision(4)),
    hi: Number(round(hi, true).toPrecision(4)),
  };
}
