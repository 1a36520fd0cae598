/**
 * Continue an ended trial for more length: a new one-trial experiment that
 * starts from the trial's latest checkpoint (POST /trials/{id}/continue).
 */
import { useState } from "preact/hooks";
import type { TrialDetail } from "../../protocol/api/resources.js";
import { api } from "../api.js";
import { ErrorNote } from "../components/badges.js";
import { formatNumber, isTerminal } from "../format.js";
import { href, navigate } from "../router.js";

export function ContinueForm(props: {
  trial: TrialDetail;
  /**
   * The experiment's environment.variables are hidden from this user: the
   * master refuses to copy them into a new experiment of theirs (403).
   */
  variablesHidden: boolean;
}) {
  const t = props.trial;
  const [length, setLength] = useState(String(Math.max(1, t.lengthTrained) * 2));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  if (!isTerminal(t.state) || t.latestCheckpoint === null) return null;
  if (props.variablesHidden)
    return (
      <p class="muted continue-form">
        Only experiment {t.experimentId}'s owner or an admin can continue this trial: its
        environment.variables are hidden from you.
      </p>
    );
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api.continueTrial(t.id, Number(length));
      navigate(href.experiment(created.id));
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  };
  return (
    <form class="continue-form" onSubmit={(e) => void submit(e)}>
      <label>
        Continue to length{" "}
        <input
          type="number"
          step={1}
          value={length}
          onInput={(e) => setLength(e.currentTarget.value)}
          aria-label="total length to train to"
        />
      </label>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? "Creating…" : "Continue"}
      </button>
      <span class="muted">
        a new experiment trains this trial on from its latest checkpoint (
        {formatNumber(t.lengthTrained)} trained)
      </span>
      <ErrorNote error={error} />
    </form>
  );
}
