/** Hyperparameter importance as bars, with the method named (see importance.ts). */
import { useMemo } from "preact/hooks";
import type { Axis } from "./brush.js";
import { directionNote, importances } from "./importance.js";
import { timed } from "./timing.js";

export function ImportanceView(props: {
  axes: readonly Axis[];
  metric: string;
  smallerIsBetter: boolean;
}) {
  const { axes, metric } = props;
  const rows = useMemo(() => timed("importance", () => importances(axes)), [axes]);
  const n = rows[0]?.n ?? 0;
  if (rows.length === 0) return <p class="muted">No hyperparameter varies between trials.</p>;
  if (n < 5)
    return (
      <p class="muted">
        Needs at least 5 trials with a {metric}; {n} so far.
      </p>
    );
  const widest = Math.max(0.01, ...rows.map((r) => r.explained));
  return (
    <div class="importance" data-rows={rows.length}>
      {rows.map((r) => (
        <div class="imp-row" key={r.key} data-key={r.key} data-explained={r.explained.toFixed(4)}>
          <span class="imp-key" title={r.key}>
            {r.key}
          </span>
          <span class="imp-bar">
            <span style={{ width: `${(r.explained / widest) * 100}%` }} />
          </span>
          <span class="imp-value">{(r.explained * 100).toFixed(1)}%</span>
          <span class="imp-dir muted">{directionNote(r.rho, props.smallerIsBetter)}</span>
        </div>
      ))}
      <p class="muted small imp-method">
        Share of the variance of the {n} trials' rank by best {metric} that each hyperparameter
        explains on its own (ω² over its categories, or ten equal-count bins of its values).
        Interactions are not counted, so this is not fANOVA; ρ is Spearman's rank correlation.
      </p>
    </div>
  );
}
