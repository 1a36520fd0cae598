/** A uPlot chart sized to its container: rebuilt when `options` change, fed by `data`. */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { useWidth } from "../hooks.js";

export type ChartOptions = Omit<uPlot.Options, "width" | "height">;

export function UPlotChart(props: {
  options: ChartOptions;
  data: uPlot.AlignedData;
  height: number;
  /** A change redraws without new data (a highlight moved). */
  redrawKey?: unknown;
  onCreate?: (u: uPlot) => void;
}) {
  const [measure, width] = useWidth<HTMLDivElement>();
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shownData = useRef<uPlot.AlignedData | null>(null);
  const { options, data, height, redrawKey, onCreate } = props;
  const ready = width > 0;

  useEffect(() => {
    if (!ready || !holder.current) return;
    const u = new uPlot({ ...options, width, height }, data, holder.current);
    plot.current = u;
    shownData.current = data;
    onCreate?.(u);
    return () => {
      u.destroy();
      plot.current = null;
    };
  }, [options, ready]);

  useEffect(() => {
    const u = plot.current;
    if (u && (u.width !== width || u.height !== height)) u.setSize({ width, height });
  }, [width, height]);

  useEffect(() => {
    if (plot.current && shownData.current !== data) {
      shownData.current = data;
      plot.current.setData(data);
    }
  }, [data]);

  useEffect(() => {
    plot.current?.redraw(false, false);
  }, [redrawKey]);

  return (
    <div class="chart" ref={measure}>
      <div ref={holder} />
    </div>
  );
}
