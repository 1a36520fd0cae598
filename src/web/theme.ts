/**
 * The colour scheme follows the system setting (`prefers-color-scheme`);
 * styles.css holds both palettes as CSS variables. Canvases (uPlot's axes,
 * the curves and dots drawn on them) cannot use `var(--x)`, so they read the
 * variables here when they draw, and redraw when the scheme changes.
 */
import { useEffect, useState } from "preact/hooks";

export type Scheme = "light" | "dark";

const DARK = "(prefers-color-scheme: dark)";

export function currentScheme(): Scheme {
  return typeof matchMedia === "function" && matchMedia(DARK).matches ? "dark" : "light";
}

/** The scheme now; re-renders when the system setting changes. */
export function useScheme(): Scheme {
  const [scheme, setScheme] = useState(currentScheme);
  useEffect(() => {
    const query = matchMedia(DARK);
    const update = () => setScheme(currentScheme());
    query.addEventListener("change", update);
    return () => query.removeEventListener("change", update);
  }, []);
  return scheme;
}

/** A CSS variable of the document's root, e.g. `cssVar("--accent")`. */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** The colours plots draw with, in the current scheme. */
export function plotColors() {
  const line = cssVar("--plot-line");
  const point = cssVar("--plot-point");
  return {
    axis: cssVar("--plot-axis"),
    grid: cssVar("--plot-grid"),
    tick: cssVar("--plot-tick"),
    /** Every trial's curve, faint: `line(alpha)`. */
    line: (alpha: number) => `rgba(${line}, ${alpha})`,
    /** Every trial's dot: `point(alpha)`. */
    point: (alpha: number) => `rgba(${point}, ${alpha})`,
    hover: cssVar("--plot-hover"),
    accent: cssVar("--accent"),
    best: cssVar("--best"),
  };
}
