/**
 * Every trial's searcher-metric curve, grown page by page from the
 * validation-columns cursor: a live page only ever asks for rows newer than
 * the ones it holds.
 */
import type { ValidationColumns } from "../../protocol/api/charts.js";

export interface Curve {
  steps: number[];
  values: number[];
  /** When each point was reported, in ms since the epoch. */
  times: number[];
}

export interface Curves {
  byTrial: Map<number, Curve>;
  /** Pass as `after` for the next page. */
  cursor: number;
  points: number;
  /** Bumped by every append that changed anything. */
  version: number;
  xRange: [number, number];
  yRange: [number, number];
  /** Every value is > 0 (a log axis is possible). */
  positive: boolean;
}

/**
 * An axis of lengths (or of time since the start) from 0 to the highest value
 * shown: where training starts, and a search validated at one length only
 * (its first rung) is not shown across a sliver around it (96 to 104).
 */
export function rangeFromZero([lo, hi]: readonly [number, number]): [number, number] {
  const start = Math.min(0, lo);
  return [start, hi > start ? hi : start + 1];
}

export function emptyCurves(): Curves {
  return {
    byTrial: new Map(),
    cursor: 0,
    points: 0,
    version: 0,
    xRange: [0, 1],
    yRange: [0, 1],
    positive: true,
  };
}

/**
 * Adds a page in place. A point at or before a trial's last step means the
 * trial restarted from an earlier checkpoint: its points from that step on
 * are replaced, as the master hides them.
 */
export function appendColumns(curves: Curves, page: ValidationColumns): Curves {
  curves.cursor = Math.max(curves.cursor, page.next);
  const n = page.trialIds.length;
  if (n === 0) return curves;
  let [x0, x1] = curves.points ? curves.xRange : [Infinity, -Infinity];
  let [y0, y1] = curves.points ? curves.yRange : [Infinity, -Infinity];
  let trimmed = false;
  for (let i = 0; i < n; i++) {
    const id = page.trialIds[i]!;
    const step = page.steps[i]!;
    const value = page.values[i]!;
    let c = curves.byTrial.get(id);
    if (!c) {
      c = { steps: [], values: [], times: [] };
      curves.byTrial.set(id, c);
    }
    const last = c.steps.length - 1;
    if (last >= 0 && step <= c.steps[last]!) {
      let keep = last;
      while (keep >= 0 && c.steps[keep]! >= step) keep--;
      curves.points -= last - keep;
      c.steps.length = c.values.length = c.times.length = keep + 1;
      trimmed = true;
    }
    c.steps.push(step);
    c.values.push(value);
    c.times.push(page.times[i]!);
    curves.points++;
    if (step < x0) x0 = step;
    if (step > x1) x1 = step;
    if (value < y0) y0 = value;
    if (value > y1) y1 = value;
    if (value <= 0) curves.positive = false;
  }
  curves.xRange = [x0, x1];
  curves.yRange = [y0, y1];
  if (trimmed) recomputeRanges(curves);
  curves.version++;
  return curves;
}

function recomputeRanges(curves: Curves): void {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  let positive = true;
  for (const c of curves.byTrial.values()) {
    for (let i = 0; i < c.steps.length; i++) {
      const s = c.steps[i]!;
      const v = c.values[i]!;
      if (s < x0) x0 = s;
      if (s > x1) x1 = s;
      if (v < y0) y0 = v;
      if (v > y1) y1 = v;
      if (v <= 0) positive = false;
    }
  }
  curves.xRange = x0 <= x1 ? [x0, x1] : [0, 1];
  curves.yRange = y0 <= y1 ? [y0, y1] : [0, 1];
  curves.positive = positive;
}
