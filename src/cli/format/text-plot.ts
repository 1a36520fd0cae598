/**
 * A small plot in text: each validation as `·`, the best so far as `*` (a
 * step line), against the length trained, for `experiment describe`.
 */
import type { OptimizationHistory } from "../../protocol/analysis/optimization-history.js";
import { formatCount, formatMetric } from "./values.js";

export function historyPlot(
  h: OptimizationHistory,
  options: { width: number; height: number },
): string[] {
  const n = h.values.length;
  if (n === 0) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of h.values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const labels = [formatMetric(hi), formatMetric(lo)];
  const gutter = Math.max(...labels.map((l) => l.length)) + 1;
  const width = Math.max(10, options.width - gutter - 1);
  const height = Math.max(3, options.height);
  const xMax = Math.max(1, h.compute[n - 1]!);
  const col = (x: number) => Math.min(width - 1, Math.floor((x / xMax) * width));
  const row = (v: number) =>
    hi === lo ? Math.floor(height / 2) : Math.round(((hi - v) / (hi - lo)) * (height - 1));
  const grid = Array.from({ length: height }, () => Array<string>(width).fill(" "));
  for (let k = 0; k < n; k++) grid[row(h.values[k]!)]![col(h.compute[k]!)] = "·";
  // The best so far at the end of each column, from the first validation on.
  let k = 0;
  for (let c = col(h.compute[0]!); c < width; c++) {
    while (k + 1 < n && col(h.compute[k + 1]!) <= c) k++;
    grid[row(h.best[k]!)]![c] = "*";
  }
  const lines = grid.map((cells, r) => {
    const label = r === 0 ? labels[0]! : r === height - 1 ? labels[1]! : "";
    return `${label.padStart(gutter - 1)} │${cells.join("")}`.trimEnd();
  });
  const end = formatCount(xMax);
  lines.push(`${" ".repeat(gutter)}└${"─".repeat(width)}`);
  lines.push(`${" ".repeat(gutter + 1)}0${end.padStart(width - 1)}`);
  return lines;
}
