/**
 * Trials side by side: every metric they reported as overlaid curves (one
 * chart per metric, one colour per trial), and their hyperparameters in a
 * table with the rows that differ marked.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { flattenHparams, type HParamSpecs } from "../../protocol/analysis/flat-hparams.js";
import { nextPageAfter } from "../../protocol/api/paging.js";
import type { TrialSummary } from "../../protocol/api/resources.js";
import { api } from "../api.js";
import { CanvasPlot } from "../components/canvas-plot.js";
import { formatMetric, formatNumber, formatValue, stateLabel } from "../format.js";
import { href } from "../router.js";
import { addPoints, type Series } from "../trial/use-metrics.js";
import { rangeFromZero } from "./curves.js";
import { cssColor, rgba, seriesVar, useColorScheme } from "./plot-colors.js";

const PAGE = 10_000;

/**
 * Every metric series of each trial, read page by page; a trial is read
 * again only when its `versions` entry changes (it trained further), so
 * picking one more trial reads only that one.
 */
function useSeries(ids: readonly number[], versions: readonly string[]) {
  const cache = useRef(new Map<number, { version: string; series: Map<string, Series> }>());
  const [loaded, setLoaded] = useState<Map<number, Map<string, Series>>>(new Map());
  const [error, setError] = useState<Error | null>(null);
  const key = ids.map((id, i) => `${id}:${versions[i]}`).join(",");
  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    void (async () => {
      try {
        for (const [i, id] of ids.entries()) {
          if (cache.current.get(id)?.version === versions[i]) continue;
          const series = new Map<string, Series>();
          for (let after: number | null = 0; after !== null; ) {
            const page = await api.metrics(id, after, signal);
            addPoints(series, page.metrics);
            after = nextPageAfter(page, page.metrics.length, PAGE);
          }
          cache.current.set(id, { version: versions[i]!, series });
        }
        if (signal.aborted) return;
        setLoaded(new Map(ids.map((id) => [id, cache.current.get(id)!.series])));
        setError(null);
      } catch (err) {
        if (!signal.aborted) setError(err instanceof Error ? err : new Error(String(err)));
      }
    })();
    return () => controller.abort();
  }, [key]);
  return { loaded, error };
}

function MetricOverlay(props: {
  name: string;
  lengthWord: string;
  ids: readonly number[];
  loaded: Map<number, Map<string, Series>>;
}) {
  const scheme = useColorScheme();
  const lines = props.ids.map((id) => props.loaded.get(id)?.get(props.name));
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const s of lines) {
    if (!s) continue;
    for (let i = 0; i < s.steps.length; i++) {
      x0 = Math.min(x0, s.steps[i]!);
      x1 = Math.max(x1, s.steps[i]!);
      y0 = Math.min(y0, s.values[i]!);
      y1 = Math.max(y1, s.values[i]!);
    }
  }
  const [group, ...rest] = props.name.split("/");
  return (
    <div
      class="metric-chart"
      data-metric={props.name}
      data-points={lines.map((s) => s?.steps.length ?? 0).join(",")}
    >
      <div class="metric-title">
        <span class={`group ${group}`}>{group}</span> {rest.join("/")}
      </div>
      <CanvasPlot
        x={{ label: props.lengthWord }}
        y={{ label: rest.join("/") }}
        xRange={x0 <= x1 ? rangeFromZero([x0, x1]) : [0, 1]}
        yRange={y0 <= y1 ? [y0, y1] : [0, 1]}
        height={200}
        drawKey={`${props.ids.join(",")}|${scheme}|${lines.map((s) => s?.steps.length).join(",")}`}
        draw={(ctx, px) => {
          lines.forEach((s, k) => {
            if (!s || s.steps.length === 0) return;
            const c = rgba(cssColor(seriesVar(k)));
            ctx.strokeStyle = c;
            ctx.fillStyle = c;
            ctx.lineWidth = 2 * px.ratio;
            ctx.beginPath();
            s.steps.forEach((step, i) => {
              if (i === 0) ctx.moveTo(px.x(step), px.y(s.values[i]!));
              else ctx.lineTo(px.x(step), px.y(s.values[i]!));
            });
            ctx.stroke();
            if (s.steps.length < 60) {
              const r = 4 * px.ratio;
              for (let i = 0; i < s.steps.length; i++)
                ctx.fillRect(px.x(s.steps[i]!) - r / 2, px.y(s.values[i]!) - r / 2, r, r);
            }
          });
        }}
      />
    </div>
  );
}

export function CompareTrials(props: {
  ids: readonly number[];
  trials: readonly TrialSummary[];
  specs: HParamSpecs;
  metric: string;
  /** The x axis's word (`stepWord`): batches, or "length". */
  lengthWord: string;
  onRemove: (id: number) => void;
  onClear: () => void;
}) {
  const { ids } = props;
  const byId = useMemo(() => new Map(props.trials.map((t) => [t.id, t])), [props.trials]);
  const picked = ids.map((id) => byId.get(id));
  // Reload a trial's series when it trained further.
  const versions = picked.map((t) => `${t?.lengthTrained}:${t?.state}`);
  const { loaded, error } = useSeries(ids, versions);
  const names = useMemo(() => {
    const all = new Set<string>();
    for (const series of loaded.values()) for (const key of series.keys()) all.add(key);
    // Validation first, the searcher metric first within it.
    return [...all].sort((a, b) => {
      const rank = (k: string) =>
        k === `validation/${props.metric}` ? 0 : k.startsWith("validation/") ? 1 : 2;
      return rank(a) - rank(b) || a.localeCompare(b);
    });
  }, [loaded, props.metric]);
  const flats = picked.map((t) => (t ? flattenHparams(t.hparams, props.specs) : {}));
  const keys = [...new Set(flats.flatMap((f) => Object.keys(f)))].sort();
  const text = (v: unknown) => (v === undefined ? "–" : formatValue(v));
  const rows: [string, string[]][] = [
    ...keys.map((k): [string, string[]] => [k, flats.map((f) => text(f[k]))]),
    [`best ${props.metric}`, picked.map((t) => formatMetric(t?.bestValidation))],
    ["length trained", picked.map((t) => (t ? formatNumber(t.lengthTrained) : "–"))],
    ["state", picked.map((t) => (t ? stateLabel(t.state) : "–"))],
  ];

  return (
    <div class="compare" data-trials={ids.length} data-loaded={loaded.size}>
      {error && <p class="error">{error.message}</p>}
      <div class="compare-table-wrap">
        <table class="compare-table">
          <thead>
            <tr>
              <th>trial</th>
              {ids.map((id, k) => (
                <th key={id}>
                  <span class="swatch" style={{ background: `var(${seriesVar(k)})` }} />
                  <a href={href.trial(id)}>{id}</a>
                  <button
                    type="button"
                    class="link"
                    aria-label={`stop comparing trial ${id}`}
                    onClick={() => props.onRemove(id)}
                  >
                    ×
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(([key, cells], r) => {
              const differs = r < keys.length && new Set(cells).size > 1;
              return (
                <tr key={key} class={differs ? "differs" : undefined} data-key={key}>
                  <th>{key}</th>
                  {cells.map((c, k) => (
                    <td key={ids[k]}>{c}</td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
        <button type="button" onClick={props.onClear}>
          Clear comparison
        </button>
      </div>
      <div class="metric-charts">
        {names.map((name) => (
          <MetricOverlay
            key={name}
            name={name}
            lengthWord={props.lengthWord}
            ids={ids}
            loaded={loaded}
          />
        ))}
      </div>
    </div>
  );
}
