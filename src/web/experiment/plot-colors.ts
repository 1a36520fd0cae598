/**
 * Colours of the analysis plots come from CSS variables (analysis.css), so a
 * theme restyles canvases as it restyles the page; canvases are redrawn when
 * the system's colour scheme changes.
 */
import { useEffect, useState } from "preact/hooks";

let probe: CanvasRenderingContext2D | null = null;

/** A CSS variable's colour as `[r, g, b, a]` (0–255, alpha 0–1); grey when unset or unreadable. */
export function cssColor(name: string, el: Element = document.documentElement): number[] {
  const text = getComputedStyle(el).getPropertyValue(name).trim();
  probe ??= document.createElement("canvas").getContext("2d");
  if (!probe || !text) return [128, 128, 128, 1];
  probe.fillStyle = "#808080";
  probe.fillStyle = text;
  // The canvas writes back `#rrggbb` or `rgba(r, g, b, a)`.
  const s = String(probe.fillStyle);
  if (s.startsWith("#"))
    return [
      Number.parseInt(s.slice(1, 3), 16),
      Number.parseInt(s.slice(3, 5), 16),
      Number.parseInt(s.slice(5, 7), 16),
      1,
    ];
  const parts = s
    .replace(/[^\d.,]/g, "")
    .split(",")
    .map(Number);
  return [parts[0] ?? 128, parts[1] ?? 128, parts[2] ?? 128, parts[3] ?? 1];
}

export function rgba(c: readonly number[], alpha = c[3] ?? 1): string {
  return `rgba(${Math.round(c[0]!)}, ${Math.round(c[1]!)}, ${Math.round(c[2]!)}, ${alpha})`;
}

/** The colour `t` of the way from `a` to `b`. */
export function mix(a: readonly number[], b: readonly number[], t: number): number[] {
  return a.map((v, i) => v + ((b[i] ?? v) - v) * t);
}

/** Changes when the system switches between light and dark: a key to redraw canvases by. */
export function useColorScheme(): string {
  const query = "(prefers-color-scheme: dark)";
  const [dark, setDark] = useState(() => matchMedia(query).matches);
  useEffect(() => {
    const m = matchMedia(query);
    const update = () => setDark(m.matches);
    m.addEventListener("change", update);
    return () => m.removeEventListener("change", update);
  }, []);
  return dark ? "dark" : "light";
}

/** The CSS variable of the k-th compared trial's colour. */
export const seriesVar = (k: number) => `--series-${(k % 8) + 1}`;
