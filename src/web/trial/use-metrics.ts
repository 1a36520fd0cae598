/** A trial's training and validation series, grown by the metrics cursor. */
import { useEffect, useRef, useState } from "preact/hooks";
import type { MetricPoint } from "../../protocol/api/resources.js";
import { api } from "../api.js";

export interface Series {
  group: string;
  name: string;
  steps: number[];
  values: number[];
}

export interface TrialMetrics {
  /** `${group}/${name}` → series, in first-seen order. */
  series: Map<string, Series>;
  version: number;
  /** Every row up to now has been read. */
  complete: boolean;
}

/** Adds rows in place; a step at or before a series' last one replaces the tail (a restart). */
export function addPoints(series: Map<string, Series>, rows: readonly MetricPoint[]): void {
  for (const row of rows) {
    for (const [name, value] of Object.entries(row.metrics)) {
      const key = `${row.group}/${name}`;
      let s = series.get(key);
      if (!s) {
        s = { group: row.group, name, steps: [], values: [] };
        series.set(key, s);
      }
      let n = s.steps.length;
      while (n > 0 && s.steps[n - 1]! >= row.stepsCompleted) n--;
      s.steps.length = s.values.length = n;
      s.steps.push(row.stepsCompleted);
      s.values.push(value);
    }
  }
}

export function useTrialMetrics(trialId: number, finished: boolean): TrialMetrics {
  const [state, setState] = useState<TrialMetrics>(() => ({
    series: new Map(),
    version: 0,
    complete: false,
  }));
  const finishedRef = useRef(finished);
  finishedRef.current = finished;
  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const series = new Map<string, Series>();
    let version = 0;
    let after = 0;
    setState({ series, version, complete: false });
    void (async () => {
      while (!signal.aborted) {
        try {
          const page = await api.metrics(trialId, after, signal);
          if (page.metrics.length > 0) {
            addPoints(series, page.metrics);
            version++;
          }
          after = page.next ?? after;
          if (page.metrics.length >= 10_000 || page.truncated) continue;
          const wasFinished = finishedRef.current;
          setState({ series, version, complete: true });
          if (wasFinished) return;
        } catch {
          if (signal.aborted) return;
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 2000);
          signal.addEventListener("abort", () => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    })();
    return () => controller.abort();
  }, [trialId]);
  return state;
}
