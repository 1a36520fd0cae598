/**
 * Pause / activate / cancel buttons for one experiment, as its state allows,
 * for its owner or an admin only.
 */
import { useState } from "preact/hooks";
import { api, type ExperimentAction } from "../api.js";
import { isTerminal } from "../format.js";
import { mayChange, useMe } from "../me.js";

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
    if (action === "cancel" && !confirm(`Cancel experiment ${props.id}? This cannot be undone.`))
      return;
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
  if (isTerminal(state) || state.startsWith("STOPPING") || !mayChange(me, props.owner)) return null;
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
