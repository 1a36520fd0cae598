/**
 * The experiment page's analysis: optimization history, parallel
 * coordinates with their brush, hyperparameter importance, and the trials
 * picked for comparison.
 */
import type { HParamSpecs } from "../../protocol/analysis/flat-hparams.js";
import type { TrialSummary } from "../../protocol/api/resources.js";
import "./analysis.css";
import { CompareTrials } from "./compare-trials.js";
import type { Curves } from "./curves.js";
import { ImportanceView } from "./importance-view.js";
import { OptimizationHistoryView } from "./optimization-history.js";
import { ParallelCoordinates } from "./parallel-coordinates.js";
import type { Analysis } from "./use-analysis.js";

export function AnalysisPanels(props: {
  analysis: Analysis;
  trials: TrialSummary[];
  specs: HParamSpecs;
  curves: Curves;
  metric: string;
  smallerIsBetter: boolean;
  bestTrialId: number | null;
  logY: boolean;
  /** The word for a step (`stepWord`): batches, or "length". */
  lengthWord: string;
  /** Every curve point has been read. */
  loaded: boolean;
  /** The experiment ended. */
  ended: boolean;
}) {
  const { analysis: a, trials, metric } = props;
  const brushed = a.visible !== null;
  return (
    <>
      <div class="row two">
        <section class="panel" data-view="optimization-history">
          <div class="panel-head">
            <h2>Optimization history</h2>
            <span class="muted">best {metric} so far</span>
          </div>
          <OptimizationHistoryView
            curves={props.curves}
            metric={metric}
            smallerIsBetter={props.smallerIsBetter}
            logY={props.logY}
            lengthWord={props.lengthWord}
            loaded={props.loaded}
            ended={props.ended}
            onPick={a.toggleSelected}
          />
        </section>
        <section class="panel" data-view="importance">
          <div class="panel-head">
            <h2>Hyperparameter importance</h2>
          </div>
          <ImportanceView axes={a.axes} metric={metric} smallerIsBetter={props.smallerIsBetter} />
        </section>
      </div>
      <section class="panel" data-view="parallel-coordinates">
        <div class="panel-head">
          <h2>Parallel coordinates</h2>
          <span class="muted pc-status">
            {brushed
              ? `${a.shown.length} of ${trials.length} trials inside the brush · the table and the curves show only them`
              : "drag along an axis to filter the trials · click a line to compare"}
          </span>
          {brushed && (
            <button type="button" class="link" onClick={a.clearBrush}>
              clear brush
            </button>
          )}
        </div>
        <ParallelCoordinates
          axes={a.axes}
          ids={trials.map((t) => t.id)}
          brush={a.brush}
          mask={a.mask}
          smallerIsBetter={props.smallerIsBetter}
          bestTrialId={props.bestTrialId}
          selected={a.selected}
          onBrush={a.setAxisBrush}
          onPick={a.toggleSelected}
        />
      </section>
      {a.selected.length > 0 && (
        <section class="panel" data-view="compare">
          <div class="panel-head">
            <h2>Compare trials</h2>
            <span class="muted">
              {a.selected.length === 1
                ? "pick more trials in the table or from a plot"
                : `${a.selected.length} trials`}
            </span>
          </div>
          <CompareTrials
            ids={a.selected}
            trials={trials}
            specs={props.specs}
            metric={metric}
            lengthWord={props.lengthWord}
            onRemove={a.toggleSelected}
            onClear={a.clearSelected}
          />
        </section>
      )}
    </>
  );
}
