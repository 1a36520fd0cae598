/**
 * One trial: hparams, state, its searcher ops, the history of its runs
 * (restarts, preemptions, exit reasons), metric charts, live logs and
 * checkpoints.
 */
import { useEffect } from "preact/hooks";
import { flattenHparams, hyperparameterSpecs } from "../../protocol/analysis/flat-hparams.js";
import { launcherProcess } from "../../protocol/api/launcher-process.js";
import { rereadGapMs } from "../../protocol/api/paging.js";
import type { AllocationSummary, CheckpointSchema } from "../../protocol/api/resources.js";
import { currentOpStatus, type OpStatus } from "../../protocol/api/run-states.js";
import { api } from "../api.js";
import { ErrorNote, StateBadge } from "../components/badges.js";
import {
  columnTitle,
  elapsedSeconds,
  formatBytes,
  formatDuration,
  formatMetric,
  formatNumber,
  formatTime,
  formatValue,
  isTerminal,
  lengthWord,
  stepWord,
} from "../format.js";
import { useNow, usePoll } from "../hooks.js";
import { href } from "../router.js";
import { ContinueForm } from "../trial/continue-form.js";
import { LogsPanel } from "../trial/logs-panel.js";
import { MetricCharts } from "../trial/metric-charts.js";
import { useTrialMetrics } from "../trial/use-metrics.js";

/** The words before the current operation's length on the "Length trained" card. */
const OP_WORDS: Record<OpStatus, string> = {
  training: "training to",
  "waiting for a slot": "waiting for a slot to train to",
  paused: "paused on the way to",
  stopping: "stopping on the way to",
  "not done": "stopped on the way to",
};

function AllocationsTable(props: {
  allocations: AllocationSummary[];
  now: number;
  ended: boolean;
}) {
  if (props.allocations.length === 0)
    return <p class="muted">{props.ended ? "It never ran." : "Not started yet."}</p>;
  return (
    <table class="table compact allocations">
      <thead>
        <tr>
          <th class="num">Run</th>
          <th>Allocation</th>
          <th>State</th>
          <th>Pool</th>
          <th>Process</th>
          <th>Started</th>
          <th class="num">Duration</th>
          <th>Preempted</th>
          <th class="num">Exit</th>
          <th>Reason</th>
        </tr>
      </thead>
      <tbody>
        {[...props.allocations].reverse().map((a) => (
          <tr key={a.id}>
            <td class="num">{a.runId}</td>
            <td class="mono">{a.id}</td>
            <td>{a.state.toLowerCase()}</td>
            <td>{a.resourcePool}</td>
            <td class="mono">{launcherProcess(a)}</td>
            <td>{formatTime(a.createdAt)}</td>
            <td class="num">{formatDuration(elapsedSeconds(a.createdAt, a.endedAt, props.now))}</td>
            <td>{a.preemptRequested ? "yes" : ""}</td>
            <td class="num">{a.exitCode ?? ""}</td>
            <td>{a.exitReason ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CheckpointsTable(props: {
  checkpoints: CheckpointSchema[];
  ended: boolean;
  lengthWord: string;
}) {
  if (props.checkpoints.length === 0)
    return (
      <p class="muted">{props.ended ? "The trial saved no checkpoints." : "No checkpoints yet."}</p>
    );
  return (
    <table class="table compact checkpoints">
      <thead>
        <tr>
          <th>UUID</th>
          <th class="num">{columnTitle(props.lengthWord)}</th>
          <th class="num">Size</th>
          <th class="num">Files</th>
          <th class="num">Validation</th>
          <th>State</th>
          <th>Saved</th>
          <th>Metadata</th>
        </tr>
      </thead>
      <tbody>
        {[...props.checkpoints].reverse().map((c) => (
          <tr key={c.uuid} class={c.state === "DELETED" ? "deleted" : ""}>
            <td class="mono" title={c.uuid}>
              {c.uuid.slice(0, 8)}
            </td>
            <td class="num">{formatNumber(c.stepsCompleted)}</td>
            <td class="num">{formatBytes(c.sizeBytes)}</td>
            <td class="num" title={Object.keys(c.resources).join("\n")}>
              {Object.keys(c.resources).length}
            </td>
            <td class="num">{formatMetric(c.validationMetric)}</td>
            <td>{c.state.toLowerCase()}</td>
            <td>{formatTime(c.createdAt)}</td>
            <td class="mono metadata">
              {Object.keys(c.metadata).length ? JSON.stringify(c.metadata) : ""}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TrialPage(props: { id: number }) {
  const { id } = props;
  const now = useNow();
  const trial = usePoll(
    (signal) => api.trial(id, signal),
    (t) => (isTerminal(t.state) ? 15_000 : 2000),
    [id],
  );
  const t = trial.data;
  const finished = !!t && isTerminal(t.state);
  const metrics = useTrialMetrics(id, finished);
  const checkpoints = usePoll(
    (signal) => api.checkpoints(id, signal),
    (last) => rereadGapMs(last.bytes, 5000),
    [id],
  );
  // Only the experiment's config tells a nested group of hyperparameters from
  // one whose value is a mapping; a config never changes, so it is read rarely.
  const experimentId = t?.experimentId;
  const experiment = usePoll(
    (signal) =>
      experimentId === undefined ? Promise.resolve(null) : api.experiment(experimentId, signal),
    60_000,
    [experimentId],
  );
  useEffect(() => {
    document.title = `Trial ${id} · pushtune`;
  }, [id]);

  if (!t)
    return (
      <div class="page">
        <ErrorNote error={trial.error} />
        {!trial.error && <p class="muted">Loading trial {id}…</p>}
      </div>
    );

  const specs = hyperparameterSpecs(experiment.data?.config);
  const word = lengthWord(experiment.data?.config);
  const steps = stepWord(experiment.data?.config);
  const hparams =
    experiment.data || experiment.error ? Object.entries(flattenHparams(t.hparams, specs)) : null;
  return (
    <div class="page trial-page" data-ready={metrics.complete ? "true" : undefined}>
      <div class="page-head">
        <a href={href.experiment(t.experimentId)} class="back">
          ← Experiment {t.experimentId}
        </a>
        <h1>
          Trial {t.id} <span class="muted">request {t.requestId}</span>
        </h1>
        <StateBadge
          state={t.state}
          running={t.running}
          queued={t.queued}
          ignoringPreemptionSeconds={t.ignoringPreemptionSeconds}
        />
      </div>
      <ErrorNote error={trial.error} />
      {t.endReason && <p class="end-reason">{t.endReason}</p>}
      <ContinueForm trial={t} variablesHidden={experiment.data?.variablesRedacted === true} />

      <div class="cards">
        <div class="card">
          <div class="card-label">{columnTitle(word)} trained</div>
          <div class="card-value">{formatNumber(t.lengthTrained)}</div>
          {t.currentOpLength !== null && (
            <div class="muted">
              {OP_WORDS[currentOpStatus(t)]} {formatNumber(t.currentOpLength)}
            </div>
          )}
        </div>
        <div class="card">
          <div class="card-label">Latest validation</div>
          <div class="card-value">{formatMetric(t.latestValidation)}</div>
        </div>
        <div class="card">
          <div class="card-label">Best validation</div>
          <div class="card-value">{formatMetric(t.bestValidation)}</div>
        </div>
        <div class="card">
          <div class="card-label">Restarts / run</div>
          <div class="card-value small">
            {t.restarts} / {t.runId}
          </div>
        </div>
        <div class="card">
          <div class="card-label">Started</div>
          <div class="card-value small">{formatTime(t.createdAt)}</div>
          <div class="muted">{formatDuration(elapsedSeconds(t.createdAt, t.endedAt, now))}</div>
        </div>
        {t.parentTrialId !== null && (
          <div class="card parent">
            <div class="card-label">Copied from</div>
            <div class="card-value small">
              <a href={href.trial(t.parentTrialId)}>Trial {t.parentTrialId}</a>
            </div>
            <div class="muted mono" title={t.warmStartCheckpoint ?? undefined}>
              {t.warmStartCheckpoint
                ? `checkpoint ${t.warmStartCheckpoint.slice(0, 8)}`
                : "started from scratch"}
            </div>
          </div>
        )}
      </div>

      <div class="row two">
        <section class="panel">
          <div class="panel-head">
            <h2>Hyperparameters</h2>
          </div>
          {hparams === null ? (
            <p class="muted">Loading…</p>
          ) : (
            <table class="table compact kv">
              <tbody>
                {hparams.map(([k, v]) => (
                  <tr key={k}>
                    <th>{k}</th>
                    <td class="mono">{formatValue(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section class="panel">
          <div class="panel-head">
            <h2>Searcher operations</h2>
          </div>
          {t.ops.length === 0 ? (
            <p class="muted">{finished ? "It was given none." : "None yet."}</p>
          ) : (
            <table class="table compact ops">
              <thead>
                <tr>
                  <th class="num">Train to</th>
                  <th>Status</th>
                  <th class="num">Searcher metric</th>
                </tr>
              </thead>
              <tbody>
                {t.ops.map((op) => (
                  <tr key={op.length}>
                    <td class="num">{formatNumber(op.length)}</td>
                    <td>
                      {op.completed
                        ? "done"
                        : t.currentOpLength === op.length || finished
                          ? currentOpStatus(t)
                          : "queued"}
                    </td>
                    <td class="num">{formatMetric(op.searcherMetric)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>

      <section class="panel">
        <div class="panel-head">
          <h2>Metrics</h2>
        </div>
        <MetricCharts metrics={metrics} ended={finished} lengthWord={steps} />
      </section>

      <section class="panel">
        <div class="panel-head">
          <h2>Logs</h2>
          <span class="muted">{finished ? "trial ended" : "following"}</span>
        </div>
        <LogsPanel trialId={id} ended={finished} />
      </section>

      <section class="panel">
        <div class="panel-head">
          <h2>Runs</h2>
          <span class="muted">restarts, preemptions and exits</span>
        </div>
        <div class="table-wrap">
          <AllocationsTable allocations={t.allocations} now={now} ended={finished} />
        </div>
      </section>
      <section class="panel">
        <div class="panel-head">
          <h2>Checkpoints</h2>
        </div>
        <ErrorNote error={checkpoints.error} />
        <div class="table-wrap">
          <CheckpointsTable
            checkpoints={checkpoints.data?.checkpoints ?? []}
            ended={finished}
            lengthWord={steps}
          />
        </div>
      </section>
    </div>
  );
}
