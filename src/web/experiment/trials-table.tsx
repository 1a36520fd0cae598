/**
 * The trials of an experiment: hparams as columns, sortable and filterable,
 * and virtualised: only the rows in view are in the DOM, so thousands of
 * trials scroll as smoothly as ten. The sort, state and filter are kept in
 * the page's address (`sort=-best&state=COMPLETED&filter=lr<0.01`), so a
 * reload or a shared link shows the same rows.
 */
import type { ComponentChild } from "preact";
import { useMemo, useState } from "preact/hooks";
import { flattenHparams, type HParamSpecs } from "../../protocol/analysis/flat-hparams.js";
import type { TrialSummary } from "../../protocol/api/resources.js";
import { plural } from "../../protocol/counts.js";
import { StateBadge } from "../components/badges.js";
import { formatMetric, formatNumber, formatValue, STATES, stateLabel } from "../format.js";
import { href } from "../router.js";
import type { HParamColumn } from "./hparams.js";
import { type FilterRow, parseFilter } from "./trial-filter.js";
import { useUrlParam } from "./url-state.js";

const ROW = 30;
const VIEW = 440;
const OVERSCAN = 8;

interface Row extends FilterRow {
  trial: TrialSummary;
}

interface Column {
  key: string;
  label: string;
  width: number;
  numeric: boolean;
  value(row: Row): number | string | null;
  cell(row: Row): ComponentChild;
}

type Sort = { key: string; desc: boolean };

/** `best` sorts by that column, `-best` the other way round; none is by id. */
function readSort(text: string | null): Sort {
  if (!text) return { key: "id", desc: false };
  return text.startsWith("-") ? { key: text.slice(1), desc: true } : { key: text, desc: false };
}

function writeSort(sort: Sort): string | null {
  if (sort.key === "id" && !sort.desc) return null;
  return `${sort.desc ? "-" : ""}${sort.key}`;
}

function compareValues(a: number | string | null, b: number | string | null): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

export function TrialsTable(props: {
  trials: TrialSummary[];
  hparams: HParamColumn[];
  /** The experiment's hyperparameter specs, which say how `hparams` were flattened. */
  specs: HParamSpecs;
  bestTrialId: number | null;
  onHover: (trialId: number | null) => void;
  /** Trials picked for comparison; with `onSelect`, a first column of checkboxes picks them. */
  selected?: readonly number[];
  onSelect?: (trialId: number) => void;
}) {
  const { trials, hparams, specs, bestTrialId } = props;
  const [sortText, setSortText] = useUrlParam("sort");
  const sort = readSort(sortText);
  const [stateParam, setState] = useUrlParam("state");
  const state = stateParam ?? "";
  const [filterParam, setFilter] = useUrlParam("filter");
  const filter = filterParam ?? "";
  const [scrollTop, setScrollTop] = useState(0);

  const rows = useMemo<Row[]>(
    () =>
      trials.map((t) => ({
        id: t.id,
        state: t.state,
        trial: t,
        flat: flattenHparams(t.hparams, specs),
        extra: {
          length: t.lengthTrained,
          restarts: t.restarts,
          latest: t.latestValidation,
          best: t.bestValidation,
        },
      })),
    [trials, specs],
  );

  const { selected, onSelect } = props;
  const columns = useMemo<Column[]>(() => {
    const varying = hparams.filter((h) => !h.constant);
    const pick: Column[] = onSelect
      ? [
          {
            key: "compare",
            label: "⇄",
            width: 36,
            numeric: false,
            value: (r) => (selected?.includes(r.id) ? 0 : 1),
            cell: (r) => (
              <input
                type="checkbox"
                aria-label={`compare trial ${r.id}`}
                checked={selected?.includes(r.id) ?? false}
                onChange={() => onSelect(r.id)}
              />
            ),
          },
        ]
      : [];
    return [
      ...pick,
      {
        key: "id",
        label: "Trial",
        width: 72,
        numeric: true,
        value: (r) => r.id,
        cell: (r) => (
          <a href={href.trial(r.id)}>
            {r.id}
            {r.id === bestTrialId ? " ★" : ""}
          </a>
        ),
      },
      {
        key: "state",
        label: "State",
        width: 120,
        numeric: false,
        value: (r) => r.state,
        cell: (r) => (
          <StateBadge
            state={r.state}
            running={r.trial.running}
            queued={r.trial.queued}
            ignoringPreemptionSeconds={r.trial.ignoringPreemptionSeconds}
            compact
          />
        ),
      },
      ...varying.map<Column>((h) => ({
        key: `hp:${h.key}`,
        label: h.key,
        width: 112,
        numeric: h.numeric,
        value: (r) => {
          const v = r.flat[h.key];
          return typeof v === "number" || typeof v === "string" ? v : v == null ? null : String(v);
        },
        cell: (r) => formatValue(r.flat[h.key]),
      })),
      {
        key: "length",
        label: "Length",
        width: 100,
        numeric: true,
        value: (r) => r.trial.lengthTrained,
        cell: (r) =>
          r.trial.currentOpLength !== null
            ? `${formatNumber(r.trial.lengthTrained)} / ${formatNumber(r.trial.currentOpLength)}`
            : formatNumber(r.trial.lengthTrained),
      },
      {
        key: "restarts",
        label: "Restarts",
        width: 76,
        numeric: true,
        value: (r) => r.trial.restarts,
        cell: (r) => String(r.trial.restarts),
      },
      {
        key: "latest",
        label: "Latest",
        width: 96,
        numeric: true,
        value: (r) => r.trial.latestValidation,
        cell: (r) => formatMetric(r.trial.latestValidation),
      },
      {
        key: "best",
        label: "Best",
        width: 96,
        numeric: true,
        value: (r) => r.trial.bestValidation,
        cell: (r) => formatMetric(r.trial.bestValidation),
      },
    ];
  }, [hparams, bestTrialId, selected, onSelect]);

  const shown = useMemo(() => {
    const test = parseFilter(filter);
    const col = columns.find((c) => c.key === sort.key) ?? columns[0]!;
    const out = rows.filter((r) => (!state || r.state === state) && test(r));
    out.sort((a, b) => {
      const c = compareValues(col.value(a), col.value(b));
      return (sort.desc ? -c : c) || a.id - b.id;
    });
    return out;
  }, [rows, columns, sort.key, sort.desc, state, filter]);

  const template = columns.map((c) => `minmax(${c.width}px, 1fr)`).join(" ");
  const totalWidth = columns.reduce((s, c) => s + c.width, 0);
  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(shown.length, Math.ceil((scrollTop + VIEW) / ROW) + OVERSCAN);
  const constants = hparams.filter((h) => h.constant);

  return (
    <div class="trials-table">
      <div class="toolbar">
        <select
          value={state}
          onChange={(e) => setState(e.currentTarget.value)}
          aria-label="Trial state"
        >
          <option value="">all states</option>
          {STATES.map((s) => (
            <option value={s} key={s}>
              {stateLabel(s)}
            </option>
          ))}
        </select>
        <input
          type="search"
          class="filter"
          placeholder="filter: adam  lr<0.01  best<0.3"
          value={filter}
          onInput={(e) => setFilter(e.currentTarget.value)}
          aria-label="Filter trials"
        />
        <span class="muted">
          {shown.length === rows.length
            ? plural(rows.length, "trial", "trials")
            : `${shown.length} of ${rows.length} trials`}
        </span>
        {constants.length > 0 && (
          <span class="muted constants">
            {constants
              .map((h) => `${h.key} = ${formatValue(rows[0]?.flat[h.key] ?? "")}`)
              .join(" · ")}
          </span>
        )}
      </div>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: scrolling and hover only; the rows' links are the interactive part. */}
      <div
        class="vt"
        style={{ maxHeight: `${VIEW}px` }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onMouseLeave={() => props.onHover(null)}
      >
        <div class="vt-head" style={{ gridTemplateColumns: template, minWidth: `${totalWidth}px` }}>
          {columns.map((c) => (
            <button
              type="button"
              key={c.key}
              class={`vt-th${c.numeric ? " num" : ""}${sort.key === c.key ? " sorted" : ""}`}
              title={`sort by ${c.label}`}
              onClick={() =>
                setSortText(
                  writeSort({ key: c.key, desc: sort.key === c.key ? !sort.desc : false }),
                )
              }
            >
              {c.label}
              {sort.key === c.key ? (sort.desc ? " ▾" : " ▴") : ""}
            </button>
          ))}
        </div>
        <div
          class="vt-body"
          style={{ height: `${shown.length * ROW}px`, minWidth: `${totalWidth}px` }}
          data-rows={shown.length}
        >
          {shown.slice(first, last).map((r, i) => (
            // biome-ignore lint/a11y/noStaticElementInteractions: hover highlights the trial's curve; its link opens it.
            <div
              key={r.id}
              class={`vt-row${r.id === bestTrialId ? " best" : ""}`}
              style={{ gridTemplateColumns: template, top: `${(first + i) * ROW}px` }}
              onMouseEnter={() => props.onHover(r.id)}
            >
              {columns.map((c) => (
                <div key={c.key} class={`vt-td${c.numeric ? " num" : ""}`}>
                  {c.cell(r)}
                </div>
              ))}
            </div>
          ))}
        </div>
        {shown.length === 0 && (
          <p class="muted vt-none">
            {rows.length === 0 ? "No trials." : "No trial matches the filter."}
          </p>
        )}
      </div>
    </div>
  );
}
