/** One small line chart per metric of a trial, training and validation apart. */
import { useMemo } from "preact/hooks";
import type uPlot from "uplot";
import { type ChartOptions, UPlotChart } from "../components/uplot-chart.js";
import { rangeFromZero } from "../experiment/curves.js";
import { plotColors, useScheme } from "../theme.js";
import type { Series, TrialMetrics } from "./use-metrics.js";

function MetricChart(props: { series: Series; version: number; lengthWord: string }) {
  const { series } = props;
  const scheme = useScheme();
  const options = useMemo<ChartOptions>(() => {
    const colors = plotColors();
    const color = series.group === "training" ? colors.accent : colors.best;
    return {
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false } },
      // To the last step (the steps are in order), read from the data: uPlot widens a
      // single step (240) to twice it (0 to 480) before a range function sees it.
      scales: { x: { time: false, range: (u) => rangeFromZero([0, u.data[0].at(-1) ?? 0]) } },
      axes: [
        {
          label: props.lengthWord,
          labelSize: 18,
          stroke: colors.axis,
          grid: { stroke: colors.grid },
        },
        { stroke: colors.axis, grid: { stroke: colors.grid }, size: 56 },
      ],
      series: [
        { label: props.lengthWord },
        {
          label: series.name,
          stroke: color,
          width: 2,
          points: { show: series.steps.length < 60, size: 5, fill: color },
        },
      ],
    };
  }, [series.name, series.group, scheme, series.steps.length < 60, props.lengthWord]);
  const data = useMemo<uPlot.AlignedData>(
    () => [series.steps.slice(), series.values.slice()],
    [series, props.version],
  );
  return (
    <div
      class="metric-chart"
      data-points={series.steps.length}
      data-metric={`${series.group}/${series.name}`}
    >
      <div class="metric-title">
        <span class={`group ${series.group}`}>{series.group}</span> {series.name}
      </div>
      <UPlotChart options={options} data={data} height={200} />
    </div>
  );
}

/**
 * `ended`: the trial reports nothing more, so an empty list is not waiting for
 * anything. `lengthWord` names the x axis: the config's length unit, or "length".
 */
export function MetricCharts(props: { metrics: TrialMetrics; ended: boolean; lengthWord: string }) {
  const all = [...props.metrics.series.values()].sort(
    (a, b) => b.group.localeCompare(a.group) || a.name.localeCompare(b.name),
  );
  if (all.length === 0)
    return (
      <p class="muted">
        {!props.metrics.complete
          ? "Loading…"
          : props.ended
            ? "The trial reported no metrics."
            : "No metrics reported yet."}
      </p>
    );
  return (
    <div class="metric-charts">
      {all.map((s) => (
        <MetricChart
          key={`${s.group}/${s.name}`}
          series={s}
          version={props.metrics.version}
          lengthWord={props.lengthWord}
        />
      ))}
    </div>
  );
}
