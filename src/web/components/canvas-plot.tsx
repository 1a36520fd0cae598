/**
 * Axes, grid, zoom and cursor from uPlot around points drawn straight onto
 * its canvas: thousands of curves or dots in one path instead of one uPlot
 * series each. `draw` gets a mapping from values to canvas pixels; what it
 * draws for a given `drawKey` is cached as a bitmap, so a moving highlight
 * (`overlay`) redraws only itself.
 */
import { useMemo, useRef } from "preact/hooks";
import type uPlot from "uplot";
import { formatLogTick } from "../format.js";
import { plotColors, useScheme } from "../theme.js";
import { type ChartOptions, UPlotChart } from "./uplot-chart.js";

export interface PixelMap {
  x(v: number): number;
  y(v: number): number;
  /** Canvas pixels per CSS pixel. */
  ratio: number;
  /** The plotting area in canvas pixels. */
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface AxisSpec {
  label: string;
  log?: boolean;
  /** Tick labels for categorical axes: value i is `categories[i]`. */
  categories?: readonly string[];
}

export interface HoverPoint {
  /** CSS pixels within the plotting area. */
  left: number;
  top: number;
}

function pixelMap(u: uPlot): PixelMap {
  return {
    x: (v) => u.valToPos(v, "x", true),
    y: (v) => u.valToPos(v, "y", true),
    ratio: u.ctx.canvas.width / Math.max(1, u.width),
    left: u.bbox.left,
    top: u.bbox.top,
    width: u.bbox.width,
    height: u.bbox.height,
  };
}

const decade = (v: number) => (Math.abs(Math.log10(v) % 1) < 1e-9 ? v : null);

function axis(spec: AxisSpec, side: "x" | "y"): uPlot.Axis {
  const colors = plotColors();
  const a: uPlot.Axis = {
    label: spec.label,
    labelSize: 20,
    stroke: colors.axis,
    // A log axis splits at 1…9 × 10^k: gridlines only at the powers of ten.
    grid: spec.log
      ? { stroke: colors.grid, width: 1, filter: (_u, splits) => splits.map(decade) }
      : { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.tick, width: 1 },
    font: "11px system-ui, sans-serif",
    labelFont: "12px system-ui, sans-serif",
  };
  if (side === "y") a.size = 56;
  // uPlot writes 1e-4 as "0" with the decimals it picks per axis: decades are written out.
  if (spec.log)
    a.values = (_u, splits) => splits.map((v) => (decade(v) === null ? "" : formatLogTick(v)));
  const cats = spec.categories;
  if (cats) {
    a.splits = () => cats.map((_, i) => i);
    a.values = (_u, splits) => splits.map((v) => cats[v] ?? "");
  }
  return a;
}

function padded([lo, hi]: [number, number], log: boolean): [number, number] {
  if (log) {
    // With nothing positive to show ([0, 1] before any point), one decade below
    // `hi`: a bound near zero would spread a dozen decades, every label "0".
    const a = lo > 0 ? lo : hi > 0 ? hi / 10 : 1;
    const b = hi > a ? hi : a * 10;
    return [a / 1.15, b * 1.15];
  }
  const span = hi - lo || Math.abs(hi) || 1;
  return [lo - span * 0.04, hi + span * 0.04];
}

export function CanvasPlot(props: {
  x: AxisSpec;
  y: AxisSpec;
  xRange: [number, number];
  yRange: [number, number];
  height: number;
  /** Draws the data; called again only when drawKey, the size or the zoom change. */
  draw: (ctx: CanvasRenderingContext2D, px: PixelMap) => void;
  drawKey: unknown;
  /** Drawn on top every time (highlights); overlayKey changes redraw it. */
  overlay?: (ctx: CanvasRenderingContext2D, px: PixelMap) => void;
  overlayKey?: unknown;
  onHover?: (at: HoverPoint | null, px: PixelMap | null) => void;
  onClick?: () => void;
  onDrawn?: () => void;
}) {
  const latest = useRef(props);
  latest.current = props;
  const cache = useRef<{ drawKey: unknown; key: string; canvas: HTMLCanvasElement } | null>(null);
  const { x, y, height } = props;
  const xLog = !!x.log;
  const yLog = !!y.log;
  const catsKey = `${x.categories?.join("\u0000")}|${y.categories?.join("\u0000")}`;
  // A new scheme rebuilds the chart: its axes and the cached drawing take the new colours.
  const scheme = useScheme();

  const options = useMemo<ChartOptions>(
    () => ({
      legend: { show: false },
      cursor: {
        points: { show: false },
        drag: { x: true, y: true, uni: 20 },
        x: false,
        y: false,
      },
      scales: {
        x: { time: false, distr: xLog ? 3 : 1, auto: true },
        y: { distr: yLog ? 3 : 1, auto: true },
      },
      axes: [axis(x, "x"), axis(y, "y")],
      series: [{}, { stroke: "transparent", points: { show: false }, paths: () => null }],
      hooks: {
        draw: [
          (u: uPlot) => {
            const p = latest.current;
            const px = pixelMap(u);
            const key = `${scheme}|${u.ctx.canvas.width}x${u.ctx.canvas.height}|${u.scales.x?.min},${u.scales.x?.max},${u.scales.y?.min},${u.scales.y?.max}`;
            let c = cache.current;
            if (!c || c.key !== key || c.drawKey !== p.drawKey) {
              const canvas = c?.canvas ?? document.createElement("canvas");
              canvas.width = u.ctx.canvas.width;
              canvas.height = u.ctx.canvas.height;
              const ctx = canvas.getContext("2d")!;
              ctx.clearRect(0, 0, canvas.width, canvas.height);
              ctx.save();
              ctx.beginPath();
              ctx.rect(px.left, px.top, px.width, px.height);
              ctx.clip();
              p.draw(ctx, px);
              ctx.restore();
              c = cache.current = { drawKey: p.drawKey, key, canvas };
            }
            u.ctx.drawImage(c.canvas, 0, 0);
            if (p.overlay) {
              u.ctx.save();
              u.ctx.beginPath();
              u.ctx.rect(px.left, px.top, px.width, px.height);
              u.ctx.clip();
              p.overlay(u.ctx, px);
              u.ctx.restore();
            }
            p.onDrawn?.();
          },
        ],
        setCursor: [
          (u: uPlot) => {
            const { left, top } = u.cursor;
            const hover = latest.current.onHover;
            if (!hover) return;
            if (left === undefined || top === undefined || left < 0 || top < 0) hover(null, null);
            else hover({ left, top }, pixelMap(u));
          },
        ],
      },
    }),
    [xLog, yLog, x.label, y.label, catsKey, scheme],
  );

  const [x0, x1] = padded(props.xRange, xLog);
  const [y0, y1] = padded(props.yRange, yLog);
  const data = useMemo<uPlot.AlignedData>(
    () => [
      [x0, x1],
      [y0, y1],
    ],
    [x0, x1, y0, y1],
  );
  const redrawKey = useMemo(() => ({}), [props.drawKey, props.overlayKey]);

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the chart is also reachable through the table.
    // biome-ignore lint/a11y/noStaticElementInteractions: as above.
    <div class="canvas-plot" onClick={props.onClick}>
      <UPlotChart options={options} data={data} height={height} redrawKey={redrawKey} />
    </div>
  );
}
