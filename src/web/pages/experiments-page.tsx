/**
 * Every experiment: state, progress, best metric, trial counts, times; pause,
 * activate, cancel. The state shown is kept in the page's address (`?state=ACTIVE`).
 */
import { useEffect, useState } from "preact/hooks";
import { rereadGapMs } from "../../protocol/api/paging.js";
import { api } from "../api.js";
import { ErrorNote, ProgressBar, StateBadge, TrialCounts } from "../components/badges.js";
import { ExperimentActions } from "../components/experiment-actions.js";
import { useUrlParam } from "../experiment/url-state.js";
import {
  elapsedSeconds,
  formatDuration,
  formatMetric,
  formatTime,
  STATES,
  stateLabel,
} from "../format.js";
import { useNow, usePoll } from "../hooks.js";
import { href } from "../router.js";

export function ExperimentsPage() {
  const [stateParam, setState] = useUrlParam("state");
  const state = stateParam ?? "";
  const [actionError, setActionError] = useState<Error | null>(null);
  // A long list is read again less often: building and parsing a MB of it takes some 70 ms.
  const list = usePoll(
    (signal) => api.experiments(state || undefined, signal),
    (last) => rereadGapMs(last.bytes, 2000),
    [state],
  );
  const now = useNow();
  const experiments = list.data?.experiments ?? [];
  useEffect(() => {
    document.title = "Experiments · pushtune";
  }, []);

  return (
    <div class="page experiments-page" data-ready={list.data ? "true" : undefined}>
      <div class="page-head">
        <h1>Experiments</h1>
        <select
          value={state}
          onChange={(e) => setState(e.currentTarget.value)}
          aria-label="Experiment state"
        >
          <option value="">all states</option>
          {STATES.map((s) => (
            <option value={s} key={s}>
              {stateLabel(s)}
            </option>
          ))}
        </select>
      </div>
      <ErrorNote error={actionError ?? list.error} />
      {list.data && experiments.length === 0 && (
        <p class="muted empty">
          {state
            ? `No ${stateLabel(state)} experiments.`
            : "No experiments yet. Create one with the CLI or POST /api/v1/experiments."}
        </p>
      )}
      {experiments.length > 0 && (
        <div class="table-wrap">
          <table class="table experiments">
            <thead>
              <tr>
                <th class="num">ID</th>
                <th>Name</th>
                <th>State</th>
                <th class="progress-col">Progress</th>
                <th class="num">Best metric</th>
                <th>Trials</th>
                <th>Started</th>
                <th class="num">Duration</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {[...experiments]
                .sort((a, b) => b.id - a.id)
                .map((e) => (
                  <tr key={e.id} data-experiment={e.id}>
                    <td class="num">{e.id}</td>
                    <td>
                      <a href={href.experiment(e.id)}>{e.name}</a>
                      <div class="muted small">
                        {e.searcher} · {e.owner.username}
                      </div>
                    </td>
                    <td>
                      <StateBadge state={e.state} />
                    </td>
                    <td class="progress-col">
                      <ProgressBar value={e.progress} state={e.state} />
                    </td>
                    <td class="num">
                      {formatMetric(e.bestMetric)}
                      <div class="muted small">
                        {e.metric} {e.smallerIsBetter ? "↓" : "↑"}
                      </div>
                    </td>
                    <td>
                      <TrialCounts counts={e.trialCounts} />
                    </td>
                    <td>{formatTime(e.createdAt)}</td>
                    <td class="num">
                      {formatDuration(elapsedSeconds(e.createdAt, e.endedAt, now))}
                    </td>
                    <td class="actions-col">
                      <ExperimentActions
                        id={e.id}
                        state={e.state}
                        owner={e.owner}
                        onDone={() => {
                          setActionError(null);
                          list.refresh();
                        }}
                        onError={setActionError}
                      />
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
