/**
 * Every checkpoint of an experiment, best first (as `pushtune checkpoint
 * list` orders them): trial, steps, validation, size, whether the keep rule
 * kept it, and the command that downloads it, ready to copy. Loaded when the
 * section is opened, shown a page at a time, so thousands cost nothing
 * until looked at.
 */
import { useMemo, useState } from "preact/hooks";
import { compareCheckpoints } from "../../protocol/api/checkpoint-order.js";
import { rereadGapMs } from "../../protocol/api/paging.js";
import type { CheckpointSchema } from "../../protocol/api/resources.js";
import { api } from "../api.js";
import { ErrorNote } from "../components/badges.js";
import { columnTitle, formatBytes, formatMetric, formatNumber, formatTime } from "../format.js";
import { usePoll } from "../hooks.js";
import { href } from "../router.js";

const PAGE = 50;

export function sortCheckpoints(
  checkpoints: readonly CheckpointSchema[],
  smallerIsBetter: boolean,
): CheckpointSchema[] {
  return [...checkpoints].sort((a, b) => compareCheckpoints(a, b, smallerIsBetter));
}

/** What a user runs to fetch a checkpoint's files from this master. */
export function downloadCommand(uuid: string, origin: string): string {
  return `pushtune checkpoint download ${uuid} --master ${origin}`;
}

function CopyButton(props: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      class="copy"
      title="copy the command"
      onClick={() => {
        void navigator.clipboard?.writeText(props.text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      {copied ? "copied" : "copy"}
    </button>
  );
}

function CheckpointsTable(props: {
  experimentId: number;
  metric: string;
  smallerIsBetter: boolean;
  live: boolean;
  /** The length column's word (`stepWord`): batches, or "length". */
  lengthWord: string;
}) {
  const list = usePoll(
    (signal) => api.experimentCheckpoints(props.experimentId, signal),
    (last) => rereadGapMs(last.bytes, props.live ? 10_000 : 60_000),
    [props.experimentId],
  );
  const [keptOnly, setKeptOnly] = useState(false);
  const [page, setPage] = useState(0);
  const sorted = useMemo(
    () => sortCheckpoints(list.data?.checkpoints ?? [], props.smallerIsBetter),
    [list.data, props.smallerIsBetter],
  );
  const shown = keptOnly ? sorted.filter((c) => c.state === "ACTIVE") : sorted;
  const kept = sorted.reduce((n, c) => n + (c.state === "ACTIVE" ? 1 : 0), 0);
  const keptBytes = sorted.reduce((n, c) => n + (c.state === "ACTIVE" ? c.sizeBytes : 0), 0);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  const at = Math.min(page, pages - 1);
  const origin = location.origin + location.pathname.replace(/\/[^/]*$/, "");

  if (!list.data)
    return list.error ? (
      <ErrorNote error={list.error} />
    ) : (
      <p class="muted">Loading checkpoints…</p>
    );
  if (sorted.length === 0)
    return (
      <p class="muted">
        {props.live ? "No checkpoints yet." : "The experiment's trials saved no checkpoints."}
      </p>
    );
  return (
    <div class="experiment-checkpoints" data-checkpoints={sorted.length}>
      <div class="toolbar">
        <span class="muted">
          {kept} kept ({formatBytes(keptBytes)}) · {sorted.length - kept} deleted by the keep policy
        </span>
        <label class="check">
          <input
            type="checkbox"
            checked={keptOnly}
            onChange={(e) => {
              setKeptOnly(e.currentTarget.checked);
              setPage(0);
            }}
          />
          kept only
        </label>
      </div>
      <div class="table-wrap">
        <table class="table compact checkpoints">
          <thead>
            <tr>
              <th class="num">Trial</th>
              <th class="num">{columnTitle(props.lengthWord)}</th>
              <th class="num">{props.metric}</th>
              <th class="num">Size</th>
              <th>State</th>
              <th>Saved</th>
              <th>Download</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(at * PAGE, (at + 1) * PAGE).map((c) => {
              const command = downloadCommand(c.uuid, origin);
              return (
                <tr key={c.uuid} class={c.state === "DELETED" ? "deleted" : ""} data-uuid={c.uuid}>
                  <td class="num">
                    <a href={href.trial(c.trialId)}>{c.trialId}</a>
                  </td>
                  <td class="num">{formatNumber(c.stepsCompleted)}</td>
                  <td class="num">{formatMetric(c.validationMetric)}</td>
                  <td class="num">{formatBytes(c.sizeBytes)}</td>
                  <td>
                    <span class={`chip ${c.state === "ACTIVE" ? "kept" : ""}`}>
                      {c.state === "ACTIVE" ? "kept" : "deleted"}
                    </span>
                  </td>
                  <td>{formatTime(c.createdAt)}</td>
                  <td class="command">
                    {c.state === "ACTIVE" ? (
                      <div class="command-line">
                        <code title={command}>{command}</code>
                        <CopyButton text={command} />
                      </div>
                    ) : (
                      <span class="muted">files deleted</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <div class="pager">
          <button type="button" disabled={at === 0} onClick={() => setPage(at - 1)}>
            ← previous
          </button>
          <span class="muted">
            page {at + 1} of {pages}
          </span>
          <button type="button" disabled={at >= pages - 1} onClick={() => setPage(at + 1)}>
            next →
          </button>
        </div>
      )}
    </div>
  );
}

export function CheckpointsPanel(props: {
  experimentId: number;
  metric: string;
  smallerIsBetter: boolean;
  live: boolean;
  lengthWord: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <section class="panel">
      <details onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          <h2 class="inline">Checkpoints</h2>
        </summary>
        {open && <CheckpointsTable {...props} />}
      </details>
    </section>
  );
}
