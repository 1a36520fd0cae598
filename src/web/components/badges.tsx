/** Small pieces shared by the pages: state badges, progress bars, error notes, empty charts. */
import type { ComponentChildren } from "preact";
import { shownProgress } from "../../protocol/api/run-states.js";
import { stateClass, stateLabel } from "../format.js";

/**
 * A state; `ignoringPreemptionSeconds` (from the trial's view) marks a process
 * that has been ignoring a request to stop: it gets SIGTERM after a grace
 * period and SIGKILL at the end of the experiment's preemption timeout.
 * `compact` (table cells) shows only "⚠ 45 s", the whole note as its label.
 */
export function StateBadge(props: {
  state: string;
  running?: boolean;
  /** Its run waits in the cluster's queue (a Slurm job not started): no pulse, a note. */
  queued?: boolean;
  ignoringPreemptionSeconds?: number | null;
  compact?: boolean;
}) {
  const ignoring = props.ignoringPreemptionSeconds;
  const badge = (
    <span class={`badge ${stateClass(props.state)}`} title={props.state}>
      {props.running && !props.queued ? (
        <span class="pulse" role="img" aria-label="running" />
      ) : null}
      {stateLabel(props.state)}
    </span>
  );
  if (props.queued)
    return (
      <span class="state-with-note" title="its job waits in the cluster's queue">
        {badge}
        <span class="muted">queued</span>
      </span>
    );
  if (ignoring === null || ignoring === undefined) return badge;
  const what = `ignoring preemption for ${ignoring} s`;
  return (
    <span class="state-with-note">
      {badge}
      <span
        class="ignoring-preemption"
        role="img"
        aria-label={what}
        title={`${what}: told to stop ${ignoring} s ago and not acknowledged, it gets SIGTERM after a grace period and SIGKILL at the preemption timeout`}
      >
        {props.compact ? `⚠ ${ignoring} s` : what}
      </span>
    </span>
  );
}

/** How far a search got; a failed one reads "failed" (with the share done, if any). */
export function ProgressBar(props: { value: number; state?: string }) {
  const { done, failed } = shownProgress(props.value, props.state ?? "");
  const pct = done * 100;
  const shown = `${pct.toFixed(pct < 10 && pct > 0 ? 1 : 0)}%`;
  const label = !failed ? shown : pct > 0 ? `${shown} · failed` : "failed";
  return (
    <div
      class={`progress ${props.state ? stateClass(props.state) : ""}`}
      role="progressbar"
      aria-valuenow={Math.round(pct)}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuetext={label}
      title={failed ? "the search failed before it finished" : undefined}
    >
      <div class="progress-fill" style={{ width: `${pct}%` }} />
      <span class="progress-label">{label}</span>
    </div>
  );
}

/** In the place of a chart with nothing to draw: why, and what will appear there. */
export function EmptyPlot(props: { height: number; children: ComponentChildren }) {
  return (
    <div class="empty-plot" style={{ height: `${props.height}px` }}>
      <p class="muted">{props.children}</p>
    </div>
  );
}

export function ErrorNote(props: { error: Error | null }) {
  if (!props.error) return null;
  return (
    <div class="error-note" role="alert">
      {props.error.message}
    </div>
  );
}

/** Counts of trials by state, as small badges. */
export function TrialCounts(props: { counts: Record<string, number> }) {
  const entries = Object.entries(props.counts).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <span class="muted">none yet</span>;
  return (
    <span class="counts">
      {entries.map(([state, n]) => (
        <span key={state} class={`count ${stateClass(state)}`} title={state}>
          {n} {stateLabel(state)}
        </span>
      ))}
    </span>
  );
}
