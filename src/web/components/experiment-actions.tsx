/**
 * Pause / activate / cancel buttons for one experiment, as its state allows,
 * for its owner or an admin only; Kill while it stops gracefully, for trials
 * that do not (a process that ignores preemption holds a cancel until its
 * `preemption_timeout`).
 */
import { useState } from "preact/hooks";
import { api, type ExperimentAction } from "../api.js";
import { isTerminal } from "../format.js";
import { mayChange, useMe } from "../me.js";

const CONFIRM: Partial<Record<ExperimentAction, (id: number) => string>> = {
  cancel: (id) => `Cancel experiment ${id}? This cannot be undone.`,
  kill: (id) =>
    `Kill experiment ${id}? Its trials' processes are stopped at once, without a checkpoint.`,
};

/** Stops that trials are asked to make themselves, so Kill may be needed. */
const GRACEFUL_STOPS = new Set(["STOPPING_COMPLETED", "STOPPING_CANCELED"]);

export function ExperimentActions(props: {
  id: number;
  state: string;
  owner: { id: number };
  onDone: () => void;
  onError: (err: Error) => void;
}) {
  const [busy, setBusy] = useState(false);
  const me = useMe();
  const { state } = props;
  const act = async (action: ExperimentAction) => {
    const question = CONFIRM[action];
    if (question && !confirm(question(props.id))) return;
    setBusy(true);
    try {
      await api.act(props.id, action);
      props.onDone();
    } catch (err) {
      props.onError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };
  if (isTerminal(state) || !mayChange(me, props.owner)) return null;
  if (state.startsWith("STOPPING"))
    return GRACEFUL_STOPS.has(state) ? (
      <span class="actions">
        <button type="button" class="danger" disabled={busy} onClick={() => act("kill")}>
          Kill
        </button>
      </span>
    ) : null;
  return (
    <span class="actions">
      {state === "ACTIVE" && (
        <button type="button" disabled={busy} onClick={() => act("pause")}>
          Pause
        </button>
      )}
      {state === "PAUSED" && (
        <button type="button" disabled={busy} onClick={() => act("activate")}>
          Activate
        </button>
      )}
      <button type="button" class="danger" disabled={busy} onClick={() => act("cancel")}>
        Cancel
      </button>
    </span>
  );
}
