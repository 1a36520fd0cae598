/**
 * A trial's logs, following live: the last lines first, then a long poll
 * after the cursor. Stays scrolled to the bottom unless the reader scrolled up.
 * A search shows only the matching lines; "first error" loads the log from
 * its start (up to FULL lines) and scrolls to the first line that looks like
 * an error (log-search.ts).
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { LogLineSchema } from "../../protocol/api/resources.js";
import { api } from "../api.js";
import { formatTime } from "../format.js";
import { FULL, firstError, isErrorLine, loadWholeLog, matcher } from "./log-search.js";

const TAIL = 1000;
const KEEP = 5000;
/** Most lines drawn at once: the newest, or those from a little before the line jumped to. */
const WINDOW = 2000;

function Highlighted(props: { text: string; match: RegExp | null }) {
  const { text, match } = props;
  if (!match) return <>{text}</>;
  const parts: (string | preact.JSX.Element)[] = [];
  let last = 0;
  for (const m of text.matchAll(match)) {
    const at = m.index ?? 0;
    if (m[0].length === 0) break;
    parts.push(text.slice(last, at), <mark key={at}>{m[0]}</mark>);
    last = at + m[0].length;
  }
  parts.push(text.slice(last));
  return <>{parts}</>;
}

/** `ended`: the trial has ended, so no new lines are awaited. */
export function LogsPanel(props: { trialId: number; ended: boolean }) {
  const [lines, setLines] = useState<LogLineSchema[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  /** Whether `lines` start at the trial's first line. */
  const [whole, setWhole] = useState(false);
  const [jumpTo, setJumpTo] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  // Read by the follow loop: once the log is whole, it keeps its start.
  const keep = useRef(KEEP);
  keep.current = whole ? FULL : KEEP;

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    setLines([]);
    setWhole(false);
    void (async () => {
      let after: number | null = null;
      // After a failure the next read does not wait for new lines, so that the
      // error goes as soon as the master answers again (a restart, a network gap).
      let failed = false;
      while (!signal.aborted) {
        try {
          const page = await api.logs(
            props.trialId,
            after === null ? { tail: TAIL } : { after, waitSeconds: failed ? 0 : 20 },
            signal,
          );
          failed = false;
          setError(null);
          if (after === null && page.logs.length < TAIL && !page.truncated) setWhole(true);
          if (page.logs.length > 0) setLines((old) => appendNew(old, page.logs, keep.current));
          after = page.next ?? after ?? 0;
        } catch (err) {
          if (signal.aborted) return;
          failed = true;
          setError(err instanceof Error ? err.message : String(err));
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
    })();
    return () => controller.abort();
  }, [props.trialId]);

  const match = useMemo(() => matcher(query), [query]);
  const shown = useMemo(
    () => (match ? lines.filter((l) => l.line.search(match) >= 0) : lines),
    [lines, match],
  );

  const drawn = useMemo(() => {
    if (shown.length <= WINDOW) return shown;
    const at = jumpTo === null ? -1 : shown.findIndex((l) => l.id === jumpTo);
    if (at < 0) return shown.slice(-WINDOW);
    const from = Math.max(0, at - 200);
    return shown.slice(from, from + WINDOW);
  }, [shown, jumpTo]);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    if (jumpTo !== null) {
      const row = el.querySelector<HTMLElement>(`[data-id="${jumpTo}"]`);
      if (row) el.scrollTop = row.offsetTop - el.offsetTop - 8;
      stick.current = false;
    } else if (stick.current) el.scrollTop = el.scrollHeight;
  }, [drawn, jumpTo]);

  const jumpToFirstError = async () => {
    let all = lines;
    if (!whole) {
      setBusy(true);
      try {
        all = appendNew(await loadWholeLog(props.trialId), lines, FULL);
        setLines(all);
        setWhole(true);
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      } finally {
        setBusy(false);
      }
    }
    setQuery("");
    const first = firstError(all);
    setJumpTo(first ? first.id : -1);
  };

  return (
    <div class="logs-panel">
      <div class="toolbar">
        <input
          type="search"
          class="log-search"
          placeholder="Search the logs (text or /regex/)"
          value={query}
          onInput={(e) => {
            setQuery(e.currentTarget.value);
            setJumpTo(null);
          }}
          aria-label="search the logs"
        />
        {match && (
          <span class="muted log-matches">
            {shown.length} of {lines.length} lines
          </span>
        )}
        <button type="button" disabled={busy} onClick={() => void jumpToFirstError()}>
          {busy ? "Loading…" : "First error"}
        </button>
        {jumpTo === -1 && <span class="muted">no error lines</span>}
        {!whole && <span class="muted">the last {lines.length} lines</span>}
        {drawn.length < shown.length && (
          <span class="muted">
            showing {drawn.length} of {shown.length} lines; search to find the others
          </span>
        )}
      </div>
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
        {shown.length === 0 ? (
          <span class="muted">
            {match
              ? "No line matches."
              : props.ended
                ? "The trial wrote no log lines."
                : "No log lines yet; new ones appear here as the trial writes them."}
          </span>
        ) : (
          drawn.map((l) => (
            <div
              key={l.id}
              data-id={l.id}
              class={`log-line ${l.stream}${isErrorLine(l) ? " error-line" : ""}${l.id === jumpTo ? " target" : ""}`}
            >
              <span class="log-time" title={l.time}>
                {formatTime(l.time, true)}
              </span>
              <Highlighted text={l.line} match={match} />
            </div>
          ))
        )}
      </pre>
    </div>
  );
}

/** `old` followed by the lines of `more` it does not have yet, at most `keep` of them. */
function appendNew(old: LogLineSchema[], more: LogLineSchema[], keep: number): LogLineSchema[] {
  const last = old.length > 0 ? old[old.length - 1]!.id : 0;
  const fresh = more.filter((l) => l.id > last);
  return fresh.length === 0 && old.length <= keep ? old : [...old, ...fresh].slice(-keep);
}
