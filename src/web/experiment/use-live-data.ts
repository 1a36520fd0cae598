/** The experiment page's live data: curves by cursor, trials and rungs when something changed. */
import { useEffect, useRef, useState } from "preact/hooks";
import type { AshaRung } from "../../protocol/api/charts.js";
import { rereadGapMs } from "../../protocol/api/paging.js";
import type { TrialSummary } from "../../protocol/api/resources.js";
import { api } from "../api.js";
import { appendColumns, type Curves, emptyCurves } from "./curves.js";

const POLL_MS = 2000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });

/**
 * Pages through every validation once, then asks only for rows after the
 * cursor every two seconds; stops asking once `finished` and caught up.
 */
export function useCurves(experimentId: number, finished: boolean) {
  const [state, setState] = useState<{ curves: Curves; version: number; complete: boolean }>(
    () => ({ curves: emptyCurves(), version: 0, complete: false }),
  );
  const [error, setError] = useState<Error | null>(null);
  const finishedRef = useRef(finished);
  finishedRef.current = finished;

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const curves = emptyCurves();
    setState({ curves, version: 0, complete: false });
    void (async () => {
      let complete = false;
      while (!signal.aborted) {
        try {
          const page = await api.validationColumns(experimentId, curves.cursor, signal);
          appendColumns(curves, page);
          if (page.more) continue;
          const wasFinished = finishedRef.current;
          complete = true;
          setState({ curves, version: curves.version, complete });
          setError(null);
          if (wasFinished) return;
        } catch (err) {
          if (signal.aborted) return;
          setError(err instanceof Error ? err : new Error(String(err)));
        }
        await sleep(POLL_MS, signal);
      }
    })();
    return () => controller.abort();
  }, [experimentId]);

  return { ...state, error };
}

/**
 * Loads `load` once `changeKey` is known (not null), and again when it
 * changes, never more than one request at a time and never sooner than
 * `minGapMs` after the last answer. A key is what was seen of the data's
 * sources before the load began: unknown while they are still being read,
 * since a load made before them could be older than what they then show,
 * and would be made again.
 */
export function useReloadOnChange<T>(
  load: (signal: AbortSignal) => Promise<T>,
  changeKey: string | null,
  minGapMs: (last: T | null) => number,
  deps: unknown[],
) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const wanted = useRef<string | null>(changeKey);
  wanted.current = changeKey;
  const loaded = useRef<string | null>(null);
  const busy = useRef(false);
  const controller = useRef<AbortController | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastAt = useRef(0);
  const last = useRef<T | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const gapRef = useRef(minGapMs);
  gapRef.current = minGapMs;

  const run = useRef(() => {});
  run.current = () => {
    const due = wanted.current !== null && loaded.current !== wanted.current;
    if (!due || busy.current || !controller.current) return;
    const wait = lastAt.current + gapRef.current(last.current) - Date.now();
    if (wait > 0) {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => run.current(), wait);
      return;
    }
    const key = wanted.current;
    const signal = controller.current.signal;
    busy.current = true;
    loadRef
      .current(signal)
      .then((value) => {
        if (signal.aborted) return;
        loaded.current = key;
        last.current = value;
        setData(value);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!signal.aborted) setError(err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => {
        busy.current = false;
        lastAt.current = Date.now();
        if (!signal.aborted) run.current();
      });
  };

  useEffect(() => {
    controller.current = new AbortController();
    loaded.current = null;
    lastAt.current = 0;
    last.current = null;
    setData(null);
    run.current();
    return () => {
      controller.current?.abort();
      controller.current = null;
      busy.current = false;
      clearTimeout(timer.current);
    };
  }, deps);

  useEffect(() => run.current(), [changeKey]);
  return { data, error };
}

/** Trials of an experiment, reloaded when the curves or the experiment moved. */
export function useTrials(experimentId: number, changeKey: string | null) {
  const { data, error } = useReloadOnChange<{ trials: TrialSummary[]; bytes: number }>(
    (signal) => api.trials(experimentId, signal),
    changeKey,
    // A big experiment's list is many MB (thousands of trials, or a long
    // `const`): each MB read waits another second before the next read, so
    // the page spends a small share of the master's time on re-reading it.
    (last) => rereadGapMs(last?.bytes ?? 0),
    [experimentId],
  );
  return { data: data?.trials ?? null, error };
}

export function useRungs(experimentId: number, changeKey: string | null, enabled: boolean) {
  return useReloadOnChange<AshaRung[]>(
    async (signal) => (enabled ? (await api.rungs(experimentId, signal)).rungs : []),
    changeKey,
    // The searcher's event log grows with every report: read it at most every few seconds.
    () => 5000,
    [experimentId, enabled],
  );
}
