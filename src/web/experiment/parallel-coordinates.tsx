/**
 * Parallel coordinates: one vertical axis per varying hyperparameter (log
 * axes for log ones, categories spread evenly) and the metric last, one line
 * per trial coloured by its metric. Dragging along an axis brushes it (the
 * table and the curves then show only trials inside every brush); a click
 * on an axis clears its brush; a click on a line picks the trial for
 * comparison.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { formatLogTick, formatMetric } from "../format.js";
import { useWidth } from "../hooks.js";
import type { Axis, AxisBrush, Brush } from "./brush.js";
import { axisTicks, roundRange } from "./brush.js";
import { fitText, titleText, titleWidths } from "./pc-titles.js";
import { cssColor, mix, rgba, seriesVar, useColorScheme } from "./plot-colors.js";
import { mark } from "./timing.js";

const HEIGHT = 300;
const TOP = 16;
const BOTTOM = 20;
const SIDE = 56;
/** Least room between two axes, so that their titles and tick labels do not run together. */
const MIN_GAP = 150;
/** Colour steps from worst to best metric: one path each. */
const STEPS = 8;

interface Geometry {
  xs: number[];
  y(axis: Axis, v: number): number;
  /** The value at pixel y on a numeric axis. */
  value(axis: Axis, y: number): number;
}

function geometry(axes: readonly Axis[], width: number): Geometry {
  const span = Math.max(1, width - 2 * SIDE);
  const xs = axes.map((_, i) =>
    axes.length === 1 ? width / 2 : SIDE + (i * span) / (axes.length - 1),
  );
  const bottom = HEIGHT - BOTTOM;
  const h = bottom - TOP;
  const t = (a: Axis, v: number) => {
    if (a.kind === "categorical") return (v + 0.5) / Math.max(1, a.categories.length);
    if (a.max === a.min) return 0.5;
    if (a.kind === "log")
      return (Math.log(v) - Math.log(a.min)) / (Math.log(a.max) - Math.log(a.min));
    return (v - a.min) / (a.max - a.min);
  };
  return {
    xs,
    y: (a, v) => bottom - t(a, v) * h,
    value: (a, y) => {
      const f = (bottom - y) / h;
      if (a.kind === "log")
        return Math.exp(Math.log(a.min) + f * (Math.log(a.max) - Math.log(a.min)));
      return a.min + f * (a.max - a.min);
    },
  };
}

/** A numeric axis with nothing on it (the metric before any validation) has no scale. */
const unscaled = (a: Axis) => a.kind !== "categorical" && Number.isNaN(a.min);

function tickLabel(a: Axis, v: number): string {
  if (a.kind === "categorical") return a.categories[v] ?? "";
  // A log axis's ticks are decades (or its two ends when it spans less than two).
  const decade = a.kind === "log" && Math.abs(Math.log10(v) % 1) < 1e-9;
  return decade ? formatLogTick(v) : formatMetric(v);
}

/** The brush of an axis from a drag between two pixel heights. */
function brushFrom(a: Axis, g: Geometry, y0: number, y1: number): AxisBrush {
  const lo = Math.max(y0, y1);
  const hi = Math.min(y0, y1);
  if (a.kind === "categorical")
    return { cats: new Set(a.categories.filter((_, i) => g.y(a, i) <= lo && g.y(a, i) >= hi)) };
  return roundRange(g.value(a, lo), g.value(a, hi));
}

function trace(ctx: CanvasRenderingContext2D, axes: readonly Axis[], g: Geometry, i: number) {
  let pen = false;
  for (let k = 0; k < axes.length; k++) {
    const a = axes[k]!;
    const v = a.values[i]!;
    if (Number.isNaN(v)) {
      pen = false;
      continue;
    }
    const y = g.y(a, v);
    if (pen) ctx.lineTo(g.xs[k]!, y);
    else ctx.moveTo(g.xs[k]!, y);
    pen = true;
  }
}

export function ParallelCoordinates(props: {
  axes: readonly Axis[];
  ids: readonly number[];
  brush: Brush;
  /** 1 for trials inside the brush; null when nothing is brushed. */
  mask: Uint8Array | null;
  smallerIsBetter: boolean;
  bestTrialId: number | null;
  selected: readonly number[];
  onBrush: (key: string, brush: AxisBrush | null) => void;
  onPick: (trialId: number) => void;
}) {
  const { axes, ids, brush, mask } = props;
  const [measure, room] = useWidth<HTMLDivElement>();
  // Narrower than the axes need (a phone), the plot keeps their room and scrolls sideways.
  const least = 2 * SIDE + Math.max(0, axes.length - 1) * MIN_GAP;
  const width = room > 0 ? Math.max(room, least) : 0;
  const scheme = useColorScheme();
  const base = useRef<HTMLCanvasElement>(null);
  const over = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ i: number; x: number; y: number } | null>(null);
  const [drag, setDrag] = useState<{ k: number; y0: number; y1: number } | null>(null);
  const g = useMemo(() => geometry(axes, width), [axes, width]);
  const gap = axes.length > 1 ? g.xs[1]! - g.xs[0]! : width;
  // Each title's widest, measured as CSS draws it (.pc-axis), a brushed one's clear button included.
  const fits = useMemo(() => {
    const ruler = width > 0 ? document.createElement("canvas").getContext("2d") : null;
    if (!ruler) return null;
    ruler.font = `600 12px ${getComputedStyle(document.body).fontFamily}`;
    const widths = axes.map(
      (a) => ruler.measureText(titleText(a)).width + (brush.has(a.key) ? 16 : 0),
    );
    return titleWidths(widths.map(Math.ceil), gap, SIDE);
  }, [axes, gap, width, brush]);
  const metric = axes[axes.length - 1];
  const ratio = typeof devicePixelRatio === "number" ? devicePixelRatio : 1;

  const setup = (c: HTMLCanvasElement | null) => {
    if (!c) return null;
    if (c.width !== Math.round(width * ratio) || c.height !== Math.round(HEIGHT * ratio)) {
      c.width = Math.round(width * ratio);
      c.height = Math.round(HEIGHT * ratio);
    }
    const ctx = c.getContext("2d")!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    return ctx;
  };

  // Lines and axes: redrawn when the data, the brush or the size change.
  useEffect(() => {
    const ctx = setup(base.current);
    if (!ctx || !metric || width === 0) return;
    const start = performance.now();
    const el = base.current!;
    const n = ids.length;
    const alpha = Math.max(0.06, Math.min(0.7, 12 / Math.sqrt(Math.max(1, n))));
    const good = cssColor("--pc-good", el);
    const bad = cssColor("--pc-bad", el);
    ctx.lineWidth = 1;
    if (mask) {
      ctx.strokeStyle = rgba(cssColor("--pc-out", el));
      ctx.beginPath();
      for (let i = 0; i < n; i++) if (!mask[i]) trace(ctx, axes, g, i);
      ctx.stroke();
    }
    // Worst first, best on top; trials without a metric are drawn in the worst colour.
    const span = metric.max - metric.min || 1;
    const step = (i: number) => {
      const v = metric.values[i]!;
      if (Number.isNaN(v)) return 0;
      const f = (v - metric.min) / span;
      return Math.min(STEPS - 1, Math.floor((props.smallerIsBetter ? 1 - f : f) * STEPS));
    };
    const paths: number[][] = Array.from({ length: STEPS }, () => []);
    for (let i = 0; i < n; i++) if (!mask || mask[i]) paths[step(i)]!.push(i);
    paths.forEach((members, s) => {
      if (members.length === 0) return;
      ctx.strokeStyle = rgba(mix(bad, good, s / (STEPS - 1)), alpha);
      ctx.beginPath();
      for (const i of members) trace(ctx, axes, g, i);
      ctx.stroke();
    });
    const axisColor = rgba(cssColor("--plot-axis", el));
    const textColor = rgba(cssColor("--plot-text", el));
    const halo = rgba(cssColor("--panel", el), 0.8);
    const brushColor = rgba(cssColor("--pc-brush", el));
    ctx.font = "11px system-ui, sans-serif";
    axes.forEach((a, k) => {
      const x = g.xs[k]!;
      const b = brush.get(a.key);
      if (b) {
        ctx.fillStyle = brushColor;
        if ("cats" in b) {
          a.categories.forEach((c, i) => {
            if (b.cats.has(c)) ctx.fillRect(x - 7, g.y(a, i) - 7, 14, 14);
          });
        } else {
          const y0 = g.y(a, Math.min(Math.max(b.hi, a.min), a.max));
          const y1 = g.y(a, Math.max(Math.min(b.lo, a.max), a.min));
          ctx.fillRect(x - 7, y0, 14, Math.max(2, y1 - y0));
        }
      }
      ctx.strokeStyle = axisColor;
      ctx.beginPath();
      ctx.moveTo(x, TOP);
      ctx.lineTo(x, HEIGHT - BOTTOM);
      ctx.stroke();
      ctx.textAlign = k === axes.length - 1 ? "right" : "left";
      ctx.textBaseline = "middle";
      if (unscaled(a)) {
        ctx.fillStyle = textColor;
        ctx.fillText(
          "no values",
          k === axes.length - 1 ? x - 6 : x + 6,
          (TOP + HEIGHT - BOTTOM) / 2,
        );
      }
      for (const v of axisTicks(a)) {
        const y = g.y(a, v);
        ctx.beginPath();
        ctx.moveTo(x - 3, y);
        ctx.lineTo(x + 3, y);
        ctx.stroke();
        // A category's label stops short of the next axis (the metric's, of the one before).
        const label = fitText(ctx, tickLabel(a, v), gap - 12);
        const tx = k === axes.length - 1 ? x - 6 : x + 6;
        const w = ctx.measureText(label).width;
        ctx.fillStyle = halo;
        ctx.fillRect(k === axes.length - 1 ? tx - w - 1 : tx - 1, y - 6, w + 2, 12);
        ctx.fillStyle = textColor;
        ctx.fillText(label, tx, y);
      }
    });
    mark("parallel-coordinates-draw", start);
  }, [axes, ids, g, brush, mask, width, scheme, props.smallerIsBetter]);

  // Highlights: the best trial, the trials picked for comparison, the hovered one, a brush being drawn.
  useEffect(() => {
    const ctx = setup(over.current);
    if (!ctx || width === 0) return;
    const el = over.current!;
    const index = new Map(ids.map((id, i) => [id, i]));
    const line = (id: number | null | undefined, color: string, w: number) => {
      const i = id === null || id === undefined ? undefined : index.get(id);
      if (i === undefined) return;
      ctx.strokeStyle = color;
      ctx.lineWidth = w;
      ctx.beginPath();
      trace(ctx, axes, g, i);
      ctx.stroke();
    };
    line(props.bestTrialId, rgba(cssColor("--best", el)), 2.5);
    for (const [k, id] of props.selected.entries()) line(id, rgba(cssColor(seriesVar(k), el)), 2);
    if (hover) line(ids[hover.i], rgba(cssColor("--plot-hover", el)), 2);
    if (drag) {
      ctx.fillStyle = rgba(cssColor("--pc-brush", el));
      ctx.fillRect(g.xs[drag.k]! - 7, Math.min(drag.y0, drag.y1), 14, Math.abs(drag.y1 - drag.y0));
    }
  }, [axes, ids, g, hover, drag, width, scheme, props.bestTrialId, props.selected]);

  const frame = useRef(0);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  const local = (e: PointerEvent) => {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    return {
      x: e.clientX - r.left,
      y: Math.min(HEIGHT - BOTTOM, Math.max(TOP, e.clientY - r.top)),
    };
  };
  const axisAt = (x: number) => g.xs.findIndex((ax) => Math.abs(ax - x) <= 12);
  const lineAt = (x: number, y: number): number | null => {
    let k = 0;
    while (k < g.xs.length - 2 && x > g.xs[k + 1]!) k++;
    const a = axes[k];
    const b = axes[k + 1];
    if (!a || !b) return null;
    const f = Math.min(1, Math.max(0, (x - g.xs[k]!) / (g.xs[k + 1]! - g.xs[k]!)));
    let best: number | null = null;
    let bestD = 6;
    for (let i = 0; i < ids.length; i++) {
      if (mask && !mask[i]) continue;
      const va = a.values[i]!;
      const vb = b.values[i]!;
      if (Number.isNaN(va) || Number.isNaN(vb)) continue;
      const d = Math.abs(g.y(a, va) + (g.y(b, vb) - g.y(a, va)) * f - y);
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  };

  const hovered = hover ? ids[hover.i] : undefined;
  return (
    <div class={width > room ? "pc-room scrolls" : "pc-room"} ref={measure}>
      <div
        class="pc"
        data-axes={axes.length}
        data-lines={ids.length}
        style={{ width: `${width}px` }}
      >
        <div class="pc-labels">
          {axes.map((a, k) => (
            <span
              key={a.key}
              class={`pc-axis${brush.has(a.key) ? " brushed" : ""}${k === axes.length - 1 ? " metric" : ""}`}
              data-key={a.key}
              data-x={Math.round(g.xs[k] ?? 0)}
              data-min={a.kind === "categorical" || unscaled(a) ? undefined : a.min}
              data-max={a.kind === "categorical" || unscaled(a) ? undefined : a.max}
              style={{
                left: `${g.xs[k] ?? 0}px`,
                ...(fits ? { maxWidth: `${fits[k]}px` } : {}),
              }}
              title={a.kind === "log" ? `${a.key} (log scale)` : a.key}
            >
              <span class="pc-title">{titleText(a)}</span>
              {brush.has(a.key) && (
                <button
                  type="button"
                  class="pc-clear"
                  aria-label={`clear the brush on ${a.key}`}
                  onClick={() => props.onBrush(a.key, null)}
                >
                  ×
                </button>
              )}
            </span>
          ))}
        </div>
        <div class="pc-plot" style={{ height: `${HEIGHT}px` }}>
          <canvas ref={base} style={{ width: `${width}px`, height: `${HEIGHT}px` }} />
          <canvas
            ref={over}
            class="pc-over"
            style={{ width: `${width}px`, height: `${HEIGHT}px` }}
            onPointerDown={(e) => {
              const { x, y } = local(e);
              const k = axisAt(x);
              if (k < 0 || unscaled(axes[k]!)) return;
              (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
              setDrag({ k, y0: y, y1: y });
            }}
            onPointerMove={(e) => {
              const { x, y } = local(e);
              if (drag) {
                setDrag({ ...drag, y1: y });
                return;
              }
              cancelAnimationFrame(frame.current);
              frame.current = requestAnimationFrame(() => {
                const i = axisAt(x) >= 0 ? null : lineAt(x, y);
                setHover((old) => (i === null ? null : old?.i === i ? old : { i, x, y }));
              });
            }}
            onPointerLeave={() => !drag && setHover(null)}
            onPointerUp={(e) => {
              if (drag) {
                const a = axes[drag.k]!;
                const { y } = local(e);
                props.onBrush(
                  a.key,
                  Math.abs(y - drag.y0) < 3 ? null : brushFrom(a, g, drag.y0, y),
                );
                setDrag(null);
              } else if (hovered !== undefined) props.onPick(hovered);
            }}
          />
          {hover && hovered !== undefined && (
            <div class="tooltip" style={{ left: `${hover.x + 12}px`, top: `${hover.y}px` }}>
              <b>trial {hovered}</b>
              {axes.map((a) => (
                <span key={a.key}>
                  {a.key}{" "}
                  {a.kind === "categorical"
                    ? (a.categories[a.values[hover.i]!] ?? "–")
                    : Number.isNaN(a.values[hover.i]!)
                      ? "–"
                      : formatMetric(a.values[hover.i])}
                </span>
              ))}
              <span class="muted">click to compare</span>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
