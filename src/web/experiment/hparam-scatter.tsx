/** The searcher metric against one hyperparameter: one dot per trial (its best validation). */
import { useMemo } from "preact/hooks";
import type { TrialSummary } from "../../protocol/api/resources.js";
import { EmptyPlot } from "../components/badges.js";
import { CanvasPlot } from "../components/canvas-plot.js";
import { plotColors } from "../theme.js";
import { type Flat, type HParamColumn, spanWith } from "./hparams.js";

/** A fixed spread of dots around a category, by trial id, so they don't hide each other. */
const jitter = (id: number) => (((id * 2654435761) >>> 0) / 2 ** 32 - 0.5) * 0.5;

export function HParamScatter(props: {
  column: HParamColumn;
  trials: TrialSummary[];
  flat: Flat[];
  metric: string;
  bestTrialId: number | null;
  highlight: number | null;
  logY: boolean;
  /** The experiment ended: a trial without the metric will never have it. */
  ended: boolean;
}) {
  const { column, trials, flat } = props;
  const points = useMemo(() => {
    const xs: number[] = [];
    const ys: number[] = [];
    const ids: number[] = [];
    const catIndex = new Map(column.categories.map((c, i) => [c, i]));
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    let positive = true;
    trials.forEach((t, i) => {
      const y = t.bestValidation;
      const raw = flat[i]?.[column.key];
      if (y === null || raw === undefined) return;
      const x = column.numeric
        ? (raw as number)
        : (catIndex.get(typeof raw === "string" ? raw : JSON.stringify(raw)) ?? 0) + jitter(t.id);
      if (column.log && x <= 0) return;
      xs.push(x);
      ys.push(y);
      ids.push(t.id);
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (y <= 0) positive = false;
    });
    if (!column.numeric) {
      x0 = -0.5;
      x1 = column.categories.length - 0.5;
    }
    return {
      xs,
      ys,
      ids,
      // A numeric axis spans the range the config samples from, and any trial outside it.
      xRange: !column.numeric
        ? ([x0, x1] as [number, number])
        : xs.length
          ? spanWith(column.range, x0, x1)
          : (column.range ?? [0, 1]),
      yRange: (ys.length ? [y0, y1] : [0, 1]) as [number, number],
      positive,
    };
  }, [column, trials, flat]);

  const mark = (ctx: CanvasRenderingContext2D, x: number, y: number, r: number) =>
    ctx.fillRect(x - r / 2, y - r / 2, r, r);

  return (
    <div class="scatter" data-key={column.key} data-points={points.xs.length}>
      {points.xs.length === 0 ? (
        <EmptyPlot height={200}>
          {props.ended
            ? `No trial with ${column.key} reported ${props.metric}.`
            : `No trial with ${column.key} has reported ${props.metric} yet.`}
        </EmptyPlot>
      ) : (
        <CanvasPlot
          x={
            column.numeric
              ? { label: column.key, log: column.log }
              : { label: column.key, categories: column.categories }
          }
          y={{ label: props.metric, log: props.logY && points.positive }}
          xRange={points.xRange}
          yRange={points.yRange}
          height={200}
          drawKey={points}
          draw={(ctx, px) => {
            ctx.fillStyle = plotColors().point(points.xs.length > 1000 ? 0.35 : 0.6);
            const r = 3 * px.ratio;
            for (let i = 0; i < points.xs.length; i++)
              mark(ctx, px.x(points.xs[i]!), px.y(points.ys[i]!), r);
          }}
          overlayKey={`${props.bestTrialId}|${props.highlight}`}
          overlay={(ctx, px) => {
            const colors = plotColors();
            for (const [id, color] of [
              [props.bestTrialId, colors.best],
              [props.highlight, colors.hover],
            ] as const) {
              if (id === null) continue;
              const i = points.ids.indexOf(id);
              if (i < 0) continue;
              ctx.fillStyle = color;
              mark(ctx, px.x(points.xs[i]!), px.y(points.ys[i]!), 7 * px.ratio);
            }
          }}
        />
      )}
    </div>
  );
}
