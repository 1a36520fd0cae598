/**
 * A trial's logs, following live: the last lines first, then a long poll
 * after the cursor. Stays scrolled to the bottom unless the reader scrolled up.
 */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { LogLineSchema } from "../../protocol/api/resources.js";
import { api } from "../api.js";

const TAIL = 1000;
const KEEP = 5000;

export function LogsPanel(props: { trialId: number }) {
  const [lines, setLines] = useState<LogLineSchema[]>([]);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLPreElement>(null);
  const stick = useRef(true);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    setLines([]);
    void (async () => {
      let after: number | null = null;
      while (!signal.aborted) {
        try {
          const page = await api.logs(
            props.trialId,
            after === null ? { tail: TAIL } : { after, waitSeconds: 20 },
            signal,
          );
          setError(null);
          if (page.logs.length > 0) setLines((old) => [...old, ...page.logs].slice(-KEEP));
          after = page.next ?? after ?? 0;
        } catch (err) {
          if (signal.aborted) return;
          setError(err instanceof Error ? err.message : String(err));
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
    })();
    return () => controller.abort();
  }, [props.trialId]);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lines]);

  return (
    <div class="logs-panel">
      {error && <div class="error-note">{error}</div>}
      <pre
        class="logs"
        ref={box}
        data-lines={lines.length}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
        }}
      >
        {lines.length === 0 ? (
          <span class="muted">
            No log lines yet; new ones appear here as the trial writes them.
          </span>
        ) : (
          lines.map((l) => (
            <div key={l.id} class={`log-line ${l.stream}`}>
              <span class="log-time">{l.time.slice(11, 19)}</span>
              {l.line}
            </div>
          ))
        )}
      </pre>
    </div>
  );
}
