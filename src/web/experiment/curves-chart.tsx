/** Every trial's validation curve (searcher metric against length), the best one highlighted. */
import { useState } from "preact/hooks";
import { plural } from "../../protocol/counts.js";
import { EmptyPlot } from "../components/badges.js";
import { CanvasPlot, type HoverPoint, type PixelMap } from "../components/canvas-plot.js";
import { useFrameHover } from "../components/use-frame-hover.js";
import { atLength, formatMetric } from "../format.js";
import { plotColors } from "../theme.js";
import { type Curve, type Curves, rangeFromZero } from "./curves.js";

/** Up to this many points, each is marked. */
const DOTS = 3000;

function tracePath(ctx: CanvasRenderingContext2D, px: PixelMap, c: Curve) {
  const n = c.steps.length;
  if (n === 0) return;
  ctx.moveTo(px.x(c.steps[0]!), px.y(c.values[0]!));
  for (let i = 1; i < n; i++) ctx.lineTo(px.x(c.steps[i]!), px.y(c.values[i]!));
}

function strokeCurve(
  ctx: CanvasRenderingContext2D,
  px: PixelMap,
  c: Curve | undefined,
  color: string,
  width: number,
) {
  if (!c) return;
  ctx.beginPath();
  tracePath(ctx, px, c);
  ctx.strokeStyle = color;
  ctx.lineWidth = width * px.ratio;
  ctx.lineJoin = "round";
  ctx.stroke();
  ctx.fillStyle = color;
  const r = (width + 1) * px.ratio;
  for (let i = 0; i < c.steps.length; i++)
    ctx.fillRect(px.x(c.steps[i]!) - r / 2, px.y(c.values[i]!) - r / 2, r, r);
}

interface Nearest {
  trialId: number;
  step: number;
  value: number;
  left: number;
  top: number;
}

/**
 * The curve passing nearest the cursor (within 8 CSS pixels, measured
 * vertically on its segment under the cursor, or to a lone point), and its
 * point nearest the cursor's x.
 */
function nearest(
  curves: Curves,
  at: HoverPoint,
  px: PixelMap,
  hidden: (id: number) => boolean,
): Nearest | null {
  const r = px.ratio;
  const cx = at.left * r + px.left;
  const cy = at.top * r + px.top;
  const reach = 8 * r;
  let best: Nearest | null = null;
  let bestD = reach;
  for (const [trialId, c] of curves.byTrial) {
    const n = c.steps.length;
    if (n === 0 || hidden(trialId)) continue;
    let xPrev = px.x(c.steps[0]!);
    let yPrev = px.y(c.values[0]!);
    let d = Math.hypot(xPrev - cx, yPrev - cy);
    let at = 0;
    for (let i = 1; i < n && xPrev <= cx + reach; i++) {
      const x = px.x(c.steps[i]!);
      const y = px.y(c.values[i]!);
      if (x >= cx && xPrev <= cx && x > xPrev) {
        const yAt = yPrev + ((y - yPrev) * (cx - xPrev)) / (x - xPrev);
        const dy = Math.abs(yAt - cy);
        if (dy < d) {
          d = dy;
          at = cx - xPrev < x - cx ? i - 1 : i;
        }
      }
      const dp = Math.hypot(x - cx, y - cy);
      if (dp < d) {
        d = dp;
        at = i;
      }
      xPrev = x;
      yPrev = y;
    }
    if (d < bestD) {
      bestD = d;
      best = {
        trialId,
        step: c.steps[at]!,
        value: c.values[at]!,
        left: (px.x(c.steps[at]!) - px.left) / r,
        top: (px.y(c.values[at]!) - px.top) / r,
      };
    }
  }
  return best;
}

export function CurvesChart(props: {
  curves: Curves;
  metric: string;
  bestTrialId: number | null;
  /** A trial to highlight (hovered in the table). */
  highlight: number | null;
  logY: boolean;
  /** The x axis's word (`stepWord`): batches, or "length". */
  lengthWord: string;
  /** Every point has been read (until then an empty chart is loading). */
  loaded: boolean;
  /** The experiment ended: a chart with no point will never have one. */
  ended: boolean;
  /** Only these trials' curves are drawn (a brush); all when null or absent. */
  visible?: ReadonlySet<number> | null;
  onOpenTrial: (trialId: number) => void;
  onDrawn?: (version: number) => void;
}) {
  const { curves, bestTrialId, highlight } = props;
  const visible = props.visible ?? null;
  const hidden = (id: number) => visible !== null && !visible.has(id);
  const [hover, setHover] = useState<Nearest | null>(null);
  const [offset, setOffset] = useState({ left: 0, top: 0 });
  const count = visible?.size ?? curves.byTrial.size;
  // One stroke per curve, faint when there are many, so where curves crowd the band darkens.
  const alpha = Math.max(0.035, Math.min(0.6, 12 / Math.max(1, count)));
  const shown = hover?.trialId ?? highlight;
  const onHover = useFrameHover((at, px) => {
    const next = at && px ? nearest(curves, at, px, hidden) : null;
    if (px) setOffset({ left: px.left / px.ratio, top: px.top / px.ratio });
    setHover((old) => (old?.trialId === next?.trialId && old?.step === next?.step ? old : next));
  });

  return (
    <div
      class="curves"
      data-points={curves.points}
      data-trials={curves.byTrial.size}
      data-shown={count}
      data-x-label={props.lengthWord}
    >
      {curves.points === 0 ? (
        <EmptyPlot height={320}>
          {!props.loaded
            ? "Loading…"
            : props.ended
              ? `No trial reported ${props.metric}: there are no curves to show.`
              : `No trial has reported ${props.metric} yet; each trial's curve appears here when it validates.`}
        </EmptyPlot>
      ) : (
        <CanvasPlot
          x={{ label: props.lengthWord }}
          y={{ label: props.metric, log: props.logY && curves.positive }}
          xRange={rangeFromZero(curves.xRange)}
          yRange={curves.yRange}
          height={320}
          drawKey={`${curves.version}|${bestTrialId}|${alpha}|${visible === null ? "" : [...visible].join(",")}`}
          draw={(ctx, px) => {
            const colors = plotColors();
            ctx.strokeStyle = colors.line(alpha);
            ctx.lineWidth = px.ratio;
            for (const [id, c] of curves.byTrial) {
              if (id === bestTrialId || hidden(id)) continue;
              ctx.beginPath();
              tracePath(ctx, px, c);
              ctx.stroke();
            }
            // Dots where points are few enough to see; a one-point curve is only its dot.
            const dots = curves.points <= DOTS;
            ctx.fillStyle = colors.line(Math.min(0.8, alpha * 1.5));
            const r = 3 * px.ratio;
            for (const [id, c] of curves.byTrial) {
              if (id === bestTrialId || hidden(id) || (!dots && c.steps.length > 1)) continue;
              for (let i = 0; i < c.steps.length; i++)
                ctx.fillRect(px.x(c.steps[i]!) - r / 2, px.y(c.values[i]!) - r / 2, r, r);
            }
          }}
          overlayKey={`${bestTrialId}|${shown}`}
          overlay={(ctx, px) => {
            const colors = plotColors();
            if (bestTrialId !== null && !hidden(bestTrialId))
              strokeCurve(ctx, px, curves.byTrial.get(bestTrialId), colors.best, 2.5);
            if (shown !== null && shown !== undefined && shown !== bestTrialId)
              strokeCurve(ctx, px, curves.byTrial.get(shown), colors.accent, 2);
          }}
          onHover={onHover}
          onClick={() => {
            if (hover) props.onOpenTrial(hover.trialId);
          }}
          onDrawn={() => props.onDrawn?.(curves.version)}
        />
      )}
      {hover && (
        <div
          class="tooltip"
          style={{ left: `${hover.left + offset.left + 12}px`, top: `${hover.top + offset.top}px` }}
        >
          <b>trial {hover.trialId}</b>
          <span>
            {atLength(props.lengthWord, hover.step)} · {formatMetric(hover.value)}
          </span>
        </div>
      )}
      {curves.points > 0 && (
        <div class="legend">
          <span class="swatch" style={{ background: "var(--best)" }} /> best trial
          {bestTrialId !== null ? ` ${bestTrialId}` : ""}
          <span class="swatch" style={{ background: "var(--accent)" }} /> hovered
          <span class="muted">
            {plural(count, "trial", "trials")} · {plural(curves.points, "point", "points")} · drag
            to zoom, double-click to reset, click a curve to open its trial
          </span>
        </div>
      )}
    </div>
  );
}
