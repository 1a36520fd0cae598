/** The parallel coordinates' axis titles: how wide each may be before it ends in an ellipsis. */
import type { Axis } from "./brush.js";

/**
 * How wide each parallel-coordinates axis title may be, so that no two run
 * together: a title longer than that ends in an ellipsis (its tooltip has
 * all of it). Titles are centred on their axes, but for the metric's, the
 * last, which ends at its axis; `side` is the room left of the first axis.
 */
export function titleWidths(
  widths: readonly number[],
  gap: number,
  side: number,
  pad = 8,
): number[] {
  const n = widths.length;
  const room = Math.max(0, gap - pad);
  const out = widths.map((w) => Math.min(w, room));
  if (n === 0) return out;
  // Centred on the first axis: half of it lies in the `side` left of the axis.
  if (n > 1) out[0] = Math.min(out[0]!, 2 * Math.max(0, side - pad / 2));
  if (n === 1) return out;
  // The metric's title reaches left from its axis over all of its width, towards the
  // right half of its neighbour's: the metric keeps up to two thirds of the room.
  const metric = out[n - 1]!;
  const before = n - 2;
  if (metric + out[before]! / 2 > room) {
    const kept = Math.min(metric, Math.max((2 * room) / 3, room - out[before]! / 2));
    out[n - 1] = kept;
    out[before] = Math.min(out[before]!, 2 * (room - kept));
  }
  return out;
}

/** An axis's title as the page writes it. */
export function titleText(a: Axis): string {
  return `${a.key}${a.kind === "log" ? " (log)" : ""}`;
}

/** `text`, cut to end in an ellipsis where it is wider than `max` pixels in `ctx`'s font. */
export function fitText(
  ctx: { measureText(text: string): { width: number } },
  text: string,
  max: number,
): string {
  if (ctx.measureText(text).width <= max) return text;
  let n = text.length;
  while (n > 1 && ctx.measureText(`${text.slice(0, n - 1)}…`).width > max) n--;
  return `${text.slice(0, n - 1)}…`;
}
