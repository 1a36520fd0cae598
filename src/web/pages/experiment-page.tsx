/**
 * One experiment: state, progress and ETA; every trial's curve; the rungs of
 * an ASHA search; the metric against each hyperparameter; the trials table;
 * its checkpoints; the config and a fork of it. Sets `data-ready` once the table and the curves are drawn.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { flattenHparams, hyperparameterSpecs } from "../../protocol/analysis/flat-hparams.js";
import { lastFailedTrial } from "../../protocol/api/last-failure.js";
import type { TrialSummary } from "../../protocol/api/resources.js";
import { api } from "../api.js";
import {
  EmptyPlot,
  ErrorNote,
  ProgressBar,
  StateBadge,
  TrialCounts,
} from "../components/badges.js";
import { ExperimentActions } from "../components/experiment-actions.js";
import { AnalysisPanels } from "../experiment/analysis-panels.js";
import { AshaView } from "../experiment/asha-view.js";
import { CheckpointsPanel } from "../experiment/checkpoints-panel.js";
import { ConfigPanel } from "../experiment/config-panel.js";
import { CurvesChart } from "../experiment/curves-chart.js";
import { HParamScatter } from "../experiment/hparam-scatter.js";
import { bestTrial, hparamColumns } from "../experiment/hparams.js";
import { TrialsTable } from "../experiment/trials-table.js";
import { useAnalysis } from "../experiment/use-analysis.js";
import { useCurves, useRungs, useTrials } from "../experiment/use-live-data.js";
import {
  elapsedSeconds,
  formatDuration,
  formatMetric,
  formatTime,
  isTerminal,
  lengthWord,
  stepWord,
} from "../format.js";
import { useNow, usePoll } from "../hooks.js";
import { href, navigate } from "../router.js";

const ASHA = new Set(["async_halving", "adaptive_asha"]);

/**
 * Why no trial reported the metric: the last failed trial's end reason, with
 * its log lines (else the last with invalid hyperparameters: its page has its logs).
 */
function LastFailure(props: { trials: readonly TrialSummary[] }) {
  const last = lastFailedTrial(props.trials);
  if (!last) return null;
  const { trial, failed, invalid } = last;
  const what = invalid ? "had invalid hyperparameters" : "failed";
  return (
    <div class="last-failure">
      <a href={href.trial(trial.id)}>
        {failed > 1
          ? `Trial ${trial.id}, the last of ${failed} that ${what}`
          : `Trial ${trial.id} ${what}`}
      </a>
      <p class="end-reason">{trial.endReason}</p>
    </div>
  );
}

export function ExperimentPage(props: { id: number }) {
  const { id } = props;
  const now = useNow();
  const [actionError, setActionError] = useState<Error | null>(null);
  const [highlight, setHighlight] = useState<number | null>(null);
  const [logY, setLogY] = useState(false);
  const [drawnVersion, setDrawnVersion] = useState(-1);

  const detail = usePoll(
    (signal) => api.experiment(id, signal),
    (e) => (isTerminal(e.state) ? 15_000 : 2000),
    [id],
  );
  const exp = detail.data;
  const finished = !!exp && isTerminal(exp.state);
  const curves = useCurves(id, finished);
  // Rungs move only with validations and trial states; the table also with progress. Both are
  // read once the experiment and every curve are (or the curves cannot be): read before,
  // they would be read again then.
  const validated =
    exp && (curves.complete || curves.error)
      ? `${curves.version}|${exp.state}|${JSON.stringify(exp.trialCounts)}`
      : null;
  const trials = useTrials(id, validated && `${validated}|${exp?.progress}`);
  const asha = !!exp && ASHA.has(exp.searcher);
  const rungs = useRungs(id, validated, asha);

  const list = trials.data ?? [];
  // An experiment's config never changes: its id stands for it. Only the
  // config tells a nested group from a hyperparameter whose value is a mapping.
  const specs = useMemo(() => hyperparameterSpecs(exp?.config), [exp?.id]);
  const flat = useMemo(() => list.map((t) => flattenHparams(t.hparams, specs)), [list, specs]);
  const columns = useMemo(() => hparamColumns(flat, specs), [flat, specs]);
  const best = useMemo(
    () => (exp ? bestTrial(list, exp.smallerIsBetter) : null),
    [list, exp?.smallerIsBetter],
  );
  const bestId = best?.id ?? null;
  const analysis = useAnalysis(list, flat, columns, exp?.metric ?? "");

  const ready =
    !!exp &&
    trials.data !== null &&
    curves.complete &&
    (curves.curves.points === 0 || drawnVersion >= curves.version);

  useEffect(() => {
    if (ready) performance.mark("pushtune:experiment-ready");
  }, [ready]);
  useEffect(() => {
    if (exp) document.title = `${exp.name} · pushtune`;
  }, [exp?.name]);

  if (!exp)
    return (
      <div class="page">
        <ErrorNote error={detail.error} />
        {!detail.error && <p class="muted">Loading experiment {id}…</p>}
      </div>
    );

  const varying = columns.filter((c) => !c.constant);
  const word = lengthWord(exp.config);
  const steps = stepWord(exp.config);
  return (
    <div class="page experiment-page" data-ready={ready ? "true" : undefined}>
      <div class="page-head">
        <a href={href.experiments()} class="back">
          ← Experiments
        </a>
        <h1>
          <span class="muted">#{exp.id}</span> {exp.name}
        </h1>
        <StateBadge state={exp.state} />
        <ExperimentActions
          id={exp.id}
          state={exp.state}
          owner={exp.owner}
          onDone={() => {
            setActionError(null);
            detail.refresh();
          }}
          onError={setActionError}
        />
      </div>
      <ErrorNote error={actionError ?? detail.error ?? trials.error ?? curves.error} />
      {exp.endReason && <p class="end-reason">{exp.endReason}</p>}
      {exp.bestMetric === null && <LastFailure trials={list} />}

      <div class="cards">
        <div class="card wide">
          <div class="card-label">Progress</div>
          <ProgressBar value={exp.progress} state={exp.state} />
          <div class="muted">
            {finished
              ? `ended ${formatTime(exp.endedAt)}`
              : exp.state === "PAUSED"
                ? "paused"
                : exp.state.startsWith("STOPPING")
                  ? "stopping"
                  : `ETA ${formatDuration(exp.etaSeconds)}`}
          </div>
        </div>
        <div class="card">
          <div class="card-label">
            Best {exp.metric} {exp.smallerIsBetter ? "↓" : "↑"}
          </div>
          {/* The best trial's own value: the experiment's summary and its trials are read
              apart, and a value from one beside a trial from the other would not agree. */}
          <div class="card-value">{formatMetric(best ? best.bestValidation : exp.bestMetric)}</div>
          {bestId !== null && (
            <a class="muted" href={href.trial(bestId)}>
              trial {bestId}
            </a>
          )}
        </div>
        <div class="card">
          <div class="card-label">Trials</div>
          <TrialCounts counts={exp.trialCounts} />
        </div>
        <div class="card">
          <div class="card-label">Searcher</div>
          <div class="card-value small">{exp.searcher}</div>
        </div>
        <div class="card">
          <div class="card-label">Owner</div>
          <div class="card-value small">{exp.owner.username}</div>
        </div>
        <div class="card">
          <div class="card-label">Started</div>
          <div class="card-value small">{formatTime(exp.createdAt)}</div>
          <div class="muted">{formatDuration(elapsedSeconds(exp.createdAt, exp.endedAt, now))}</div>
        </div>
      </div>

      <div class={asha ? "row two" : "row"}>
        <section class="panel">
          <div class="panel-head">
            <h2>Validation curves</h2>
            <label class="check">
              <input
                type="checkbox"
                checked={logY}
                onChange={(e) => setLogY(e.currentTarget.checked)}
              />
              log scale
            </label>
          </div>
          <CurvesChart
            curves={curves.curves}
            metric={exp.metric}
            bestTrialId={bestId}
            highlight={highlight}
            logY={logY}
            lengthWord={steps}
            loaded={curves.complete}
            ended={finished}
            visible={analysis.visible}
            onOpenTrial={(trialId) => navigate(href.trial(trialId))}
            onDrawn={setDrawnVersion}
          />
        </section>
        {asha && (
          <section class="panel">
            <div class="panel-head">
              <h2>Rungs</h2>
            </div>
            <AshaView
              rungs={rungs.data ?? []}
              bestTrialId={bestId}
              lengthWord={word}
              ended={finished}
            />
          </section>
        )}
      </div>

      <AnalysisPanels
        analysis={analysis}
        trials={list}
        specs={specs}
        curves={curves.curves}
        metric={exp.metric}
        smallerIsBetter={exp.smallerIsBetter}
        bestTrialId={bestId}
        logY={logY}
        lengthWord={steps}
        loaded={curves.complete}
        ended={finished}
      />

      {varying.length > 0 && (
        <section class="panel">
          <div class="panel-head">
            <h2>{exp.metric} against each hyperparameter</h2>
            <span class="muted">best validation of each trial</span>
          </div>
          {!list.some((t) => t.bestValidation !== null) ? (
            <EmptyPlot height={200}>
              {finished
                ? `No trial reported ${exp.metric}: there is nothing to plot against the hyperparameters.`
                : `No trial has reported ${exp.metric} yet; each trial's best appears here, against each hyperparameter, when it validates.`}
            </EmptyPlot>
          ) : (
            <div class="scatters">
              {varying.map((c) => (
                <HParamScatter
                  key={c.key}
                  column={c}
                  trials={list}
                  flat={flat}
                  metric={exp.metric}
                  bestTrialId={bestId}
                  highlight={highlight}
                  logY={logY}
                  ended={finished}
                />
              ))}
            </div>
          )}
        </section>
      )}

      <section class="panel">
        <div class="panel-head">
          <h2>Trials</h2>
        </div>
        {trials.data === null ? (
          <p class="muted">Loading trials…</p>
        ) : (
          <TrialsTable
            trials={analysis.shown}
            hparams={columns}
            specs={specs}
            bestTrialId={bestId}
            onHover={setHighlight}
            selected={analysis.selected}
            onSelect={analysis.toggleSelected}
          />
        )}
      </section>

      <CheckpointsPanel
        experimentId={exp.id}
        metric={exp.metric}
        smallerIsBetter={exp.smallerIsBetter}
        live={!finished}
        lengthWord={steps}
      />
      <ConfigPanel exp={exp} />
    </div>
  );
}
