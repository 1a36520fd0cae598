/**
 * Optimization history: every validation of the searcher metric as a dot,
 * and the best value so far as a step line, against the compute the search
 * had spent (total length trained) or against wall time. Flat means the
 * search has stopped finding better trials. A click on a dot picks its
 * trial for comparison.
 */
import { useMemo, useRef, useState } from "preact/hooks";
import {
  type OptimizationHistory,
  optimizationHistory,
} from "../../protocol/analysis/optimization-history.js";
import { plural } from "../../protocol/counts.js";
import { EmptyPlot } from "../components/badges.js";
import { CanvasPlot, type HoverPoint, type PixelMap } from "../components/canvas-plot.js";
import { useFrameHover } from "../components/use-frame-hover.js";
import { atLength, formatMetric, formatNumber } from "../format.js";
import { type Curves, rangeFromZero } from "./curves.js";
import { drawDots } from "./dot-layer.js";
import { cssColor, rgba, useColorScheme } from "./plot-colors.js";
import { timed } from "./timing.js";

type XAxis = "compute" | "time";

/** Every point of the curves as columns (the order does not matter: the history sorts by time). */
export function historyOf(curves: Curves, smallerIsBetter: boolean): OptimizationHistory {
  const n = curves.points;
  const trialIds = new Float64Array(n);
  const steps = new Float64Array(n);
  const values = new Float64Array(n);
  const times = new Float64Array(n);
  let k = 0;
  for (const [id, c] of curves.byTrial) {
    for (let i = 0; i < c.steps.length; i++, k++) {
      trialIds[k] = id;
      steps[k] = c.steps[i]!;
      values[k] = c.values[i]!;
      times[k] = c.times[i]!;
    }
  }
  return optimizationHistory({ trialIds, steps, values, times }, smallerIsBetter);
}

/** Wall time in a unit that keeps its numbers short. */
function timeUnit(spanMs: number): { label: string; ms: number } {
  if (spanMs > 3 * 3600_000) return { label: "hours", ms: 3600_000 };
  if (spanMs > 300_000) return { label: "minutes", ms: 60_000 };
  return { label: "seconds", ms: 1000 };
}

export function OptimizationHistoryView(props: {
  curves: Curves;
  metric: string;
  smallerIsBetter: boolean;
  logY: boolean;
  /** The word for a step (`stepWord`): batches, or "length". */
  lengthWord: string;
  /** Every point has been read (until then an empty chart is loading). */
  loaded: boolean;
  /** The experiment ended: no validation will come any more. */
  ended: boolean;
  onPick: (trialId: number) => void;
}) {
  const { curves, smallerIsBetter } = props;
  const [axis, setAxis] = useState<XAxis>("compute");
  const scheme = useColorScheme();
  const h = useMemo(
    () => timed("history", () => historyOf(curves, smallerIsBetter)),
    [curves.version, curves, smallerIsBetter],
  );
  const n = h.values.length;
  const t0 = n > 0 ? h.times[0]! : 0;
  const unit = timeUnit(n > 0 ? h.times[n - 1]! - t0 : 0);
  const xs = useMemo(() => {
    if (axis === "compute") return h.compute;
    return h.times.map((t) => (t - t0) / unit.ms);
  }, [h, axis, t0, unit.ms]);
  const [hover, setHover] = useState<{ k: number; left: number; top: number } | null>(null);
  const offset = useRef({ left: 0, top: 0 });
  const positive = useMemo(() => h.values.every((v) => v > 0), [h]);
  const yRange = useMemo<[number, number]>(() => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of h.values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return n > 0 ? [lo, hi] : [0, 1];
  }, [h]);
  const xRange = n > 0 ? rangeFromZero([xs[0]!, xs[n - 1]!]) : ([0, 1] as [number, number]);
  const last = h.improvements.length > 0 ? h.improvements[h.improvements.length - 1]! : -1;

  const nearest = (at: HoverPoint, px: PixelMap) => {
    const cx = at.left * px.ratio + px.left;
    const cy = at.top * px.ratio + px.top;
    let best = -1;
    let bestD = 8 * px.ratio;
    for (let k = 0; k < n; k++) {
      const d = Math.hypot(px.x(xs[k]!) - cx, px.y(h.values[k]!) - cy);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best;
  };

  const word = props.lengthWord;
  const xLabel = axis === "compute" ? `total ${word} trained` : `wall time (${unit.label})`;
  const onHover = useFrameHover((at, px) => {
    if (!at || !px) return setHover(null);
    offset.current = { left: px.left / px.ratio, top: px.top / px.ratio };
    const k = nearest(at, px);
    setHover((old) =>
      k < 0
        ? null
        : old?.k === k
          ? old
          : {
              k,
              left: (px.x(xs[k]!) - px.left) / px.ratio,
              top: (px.y(h.values[k]!) - px.top) / px.ratio,
            },
    );
  });

  const drawHistory = (ctx: CanvasRenderingContext2D, px: PixelMap) => {
    const el = document.documentElement;
    drawDots(ctx, px, xs, h.values, cssColor("--hist-point", el), n > 5000 ? 0.25 : 0.55);
    const r = 3 * px.ratio;
    if (last < 0) return;
    // The best so far holds from each improvement to the next, and on to the last point.
    ctx.strokeStyle = rgba(cssColor("--best", el));
    ctx.lineWidth = 2 * px.ratio;
    ctx.beginPath();
    h.improvements.forEach((k, j) => {
      const x = px.x(xs[k]!);
      const y = px.y(h.values[k]!);
      if (j === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, px.y(h.values[h.improvements[j - 1]!]!));
      ctx.lineTo(x, y);
    });
    ctx.lineTo(px.x(xs[n - 1]!), px.y(h.values[last]!));
    ctx.stroke();
    ctx.fillStyle = rgba(cssColor("--best", el));
    for (const k of h.improvements)
      ctx.fillRect(px.x(xs[k]!) - r, px.y(h.values[k]!) - r, 2 * r, 2 * r);
  };

  return (
    <div
      class="history"
      data-points={n}
      data-improvements={h.improvements.length}
      data-x-label={xLabel}
    >
      <div class="history-axis" role="radiogroup" aria-label="history x axis">
        {(["compute", "time"] as const).map((a) => (
          <label key={a} class="check">
            <input type="radio" name="history-x" checked={axis === a} onChange={() => setAxis(a)} />
            {a === "compute" ? `compute (${word} trained)` : "wall time"}
          </label>
        ))}
      </div>
      {n === 0 ? (
        <EmptyPlot height={260}>
          {!props.loaded
            ? "Loading…"
            : props.ended
              ? `No trial reported ${props.metric}: there is no history to show.`
              : `No ${props.metric} yet; the best so far appears here when a trial validates.`}
        </EmptyPlot>
      ) : (
        <CanvasPlot
          x={{ label: xLabel }}
          y={{ label: props.metric, log: props.logY && positive }}
          xRange={xRange}
          yRange={yRange}
          height={260}
          drawKey={`${curves.version}|${axis}|${scheme}|${smallerIsBetter}`}
          draw={(ctx, px) => timed("history-draw", () => drawHistory(ctx, px))}
          overlayKey={hover?.k}
          overlay={(ctx, px) => {
            if (!hover) return;
            const r = 4 * px.ratio;
            ctx.strokeStyle = rgba(cssColor("--plot-hover", document.documentElement));
            ctx.lineWidth = 2 * px.ratio;
            ctx.strokeRect(px.x(xs[hover.k]!) - r, px.y(h.values[hover.k]!) - r, 2 * r, 2 * r);
          }}
          onHover={onHover}
          onClick={() => {
            if (hover) props.onPick(h.trialIds[hover.k]!);
          }}
        />
      )}
      {hover && (
        <div
          class="tooltip"
          style={{
            left: `${hover.left + offset.current.left + 12}px`,
            top: `${hover.top + offset.current.top + 28}px`,
          }}
        >
          <b>trial {h.trialIds[hover.k]}</b>
          <span>
            {props.metric} {formatMetric(h.values[hover.k])} · best so far{" "}
            {formatMetric(h.best[hover.k])}
          </span>
          <span>
            {axis === "compute"
              ? `after ${atLength(word, h.compute[hover.k]!)} trained`
              : `${formatNumber(xs[hover.k]!)} ${unit.label} in`}
          </span>
          <span class="muted">click to compare</span>
        </div>
      )}
      {n > 0 && (
        <div class="legend">
          <span class="swatch best-swatch" /> best so far
          {last >= 0 ? ` ${formatMetric(h.values[last])} (trial ${h.trialIds[last]})` : ""}
          <span class="swatch point-swatch" /> validations
          <span class="muted">
            {plural(h.improvements.length, "improvement", "improvements")} over{" "}
            {plural(n, "validation", "validations")}
          </span>
        </div>
      )}
    </div>
  );
}
