/**
 * The experiment's config as the master holds it — every default filled in,
 * the seed included — or as it was submitted; and a fork: the config in an
 * editor, and a new experiment from it in the same workdir.
 */
import { useState } from "preact/hooks";
import type { ExperimentDetail } from "../../protocol/api/resources.js";
import { ApiError, api } from "../api.js";
import { href, navigate } from "../router.js";
import { fullConfigYaml } from "./full-config.js";

/** Every error of a refused config, one a line, or the message. */
function ForkError(props: { error: Error }) {
  const { error } = props;
  const list =
    error instanceof ApiError &&
    typeof error.details === "object" &&
    error.details !== null &&
    Array.isArray((error.details as { errors?: unknown }).errors)
      ? ((error.details as { errors: { path: string; message: string }[] }).errors ?? [])
      : [];
  return (
    <div class="error-note" role="alert">
      {list.length === 0 ? (
        error.message
      ) : (
        <>
          The config has {list.length} error{list.length === 1 ? "" : "s"}:
          <ul class="config-errors">
            {list.map((e) => (
              <li key={`${e.path}|${e.message}`}>
                <code>{e.path || "(root)"}</code> {e.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function ForkEditor(props: { exp: ExperimentDetail; initial: string; onClose: () => void }) {
  const [text, setText] = useState(props.initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const created = await api.fork(props.exp.id, text);
      navigate(href.experiment(created.id));
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  };
  return (
    <div class="fork-editor">
      <p class="muted">
        A new experiment runs this config in experiment {props.exp.id}'s workdir; this one is not
        changed. With the same <code>experiment_seed</code> it is the same search.
        {props.exp.variablesRedacted &&
          " The values of environment.variables are hidden from you: write in your own."}
      </p>
      <textarea
        class="config-editor"
        spellcheck={false}
        value={text}
        rows={Math.min(40, text.split("\n").length + 2)}
        onInput={(e) => setText(e.currentTarget.value)}
        aria-label="config of the new experiment"
      />
      {error && <ForkError error={error} />}
      <div class="toolbar">
        <button type="button" class="primary" disabled={busy} onClick={() => void submit()}>
          {busy ? "Creating…" : "Create experiment"}
        </button>
        <button type="button" onClick={props.onClose} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}

export function ConfigPanel(props: { exp: ExperimentDetail }) {
  const { exp } = props;
  const [submitted, setSubmitted] = useState(false);
  const [forking, setForking] = useState(false);
  const full = fullConfigYaml(exp.config);
  const shown = submitted && exp.configYaml ? exp.configYaml : full;
  return (
    <section class="panel config-panel">
      <details open={forking || undefined}>
        <summary>
          <h2 class="inline">Config</h2>
        </summary>
        <div class="toolbar">
          {exp.configYaml && (
            <span class="segmented">
              <button
                type="button"
                class={submitted ? "" : "current"}
                onClick={() => setSubmitted(false)}
              >
                with defaults
              </button>
              <button
                type="button"
                class={submitted ? "current" : ""}
                onClick={() => setSubmitted(true)}
              >
                as submitted
              </button>
            </span>
          )}
          <button type="button" disabled={forking} onClick={() => setForking(true)}>
            Fork…
          </button>
        </div>
        {forking ? (
          <ForkEditor exp={exp} initial={full} onClose={() => setForking(false)} />
        ) : (
          <pre class="config">{shown}</pre>
        )}
      </details>
    </section>
  );
}
