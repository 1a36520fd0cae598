/**
 * Every experiment's searcher-metric validations, kept as columns in memory
 * once read: a page that opens a big experiment again, or another viewer of
 * it, costs one query for the rows newer than the cache instead of reading
 * every row again. Bounded by the room its columns take, in points (1M by
 * default, about 40 MB), least recently used experiment out first.
 *
 * Rows are hidden by the master when a trial restarts from an earlier
 * checkpoint; the restarted run reports with a higher run id. When one such
 * row arrives, that trial's rows are read again from the store, so the
 * cache never keeps a hidden row once the new run has reported.
 */

import { ownValue } from "../../../protocol/own-value.js";
import { RefreshedCache } from "../../app/refreshed-cache.js";
import type { MetricRow, Store } from "../../storage/store.js";

const PAGE = 100_000;
/** Room for points a new experiment's columns start with; they double as they fill. */
const FIRST_ROOM = 16;

/** One experiment's columns; `lastId` = every row with id <= it has been read. */
class Columns {
  ids = new Float64Array(FIRST_ROOM);
  trialIds = new Float64Array(FIRST_ROOM);
  steps = new Float64Array(FIRST_ROOM);
  values = new Float64Array(FIRST_ROOM);
  times = new Float64Array(FIRST_ROOM);
  length = 0;
  lastId = 0;
  /** Highest run id seen per trial. */
  readonly runs = new Map<number, number>();

  constructor(readonly metric: string) {}

  push(id: number, trialId: number, step: number, value: number, time: number): void {
    if (this.length === this.ids.length) this.grow(this.length * 2);
    const i = this.length++;
    this.ids[i] = id;
    this.trialIds[i] = trialId;
    this.steps[i] = step;
    this.values[i] = value;
    this.times[i] = time;
  }

  private grow(size: number): void {
    for (const key of ["ids", "trialIds", "steps", "values", "times"] as const) {
      const next = new Float64Array(size);
      next.set(this[key].subarray(0, this.length));
      this[key] = next;
    }
  }

  /** Index of the first point with id > after. */
  indexAfter(after: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[mid]! <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Replaces one trial's points by `rows` (its visible rows up to lastId), keeping id order. */
  replaceTrial(trialId: number, rows: MetricRow[]): void {
    const fresh = rows.filter(
      (r) => r.id <= this.lastId && ownValue(r.metrics, this.metric) !== undefined,
    );
    const old = {
      ids: this.ids,
      trialIds: this.trialIds,
      steps: this.steps,
      values: this.values,
      times: this.times,
      length: this.length,
    };
    this.ids = new Float64Array(Math.max(FIRST_ROOM, old.length + fresh.length));
    this.trialIds = new Float64Array(this.ids.length);
    this.steps = new Float64Array(this.ids.length);
    this.values = new Float64Array(this.ids.length);
    this.times = new Float64Array(this.ids.length);
    this.length = 0;
    let f = 0;
    for (let i = 0; i < old.length; i++) {
      const id = old.ids[i]!;
      while (f < fresh.length && fresh[f]!.id < id) this.pushRow(fresh[f++]!);
      if (old.trialIds[i] !== trialId)
        this.push(id, old.trialIds[i]!, old.steps[i]!, old.values[i]!, old.times[i]!);
    }
    while (f < fresh.length) this.pushRow(fresh[f++]!);
  }

  private pushRow(r: MetricRow): void {
    this.push(
      r.id,
      r.trialId,
      r.stepsCompleted,
      ownValue(r.metrics, this.metric)!,
      r.reportTime.getTime(),
    );
  }
}

/** Views into the cache: read them before the next call changes it. */
export interface ColumnsPage {
  trialIds: Float64Array;
  steps: Float64Array;
  values: Float64Array;
  times: Float64Array;
  next: number;
  more: boolean;
}

/**
 * The ValidationColumns JSON of a page, written directly: a typed array's
 * `join` prints each number as JSON does (the store holds finite numbers
 * only), many times faster than a schema serializer walking 100,000s of them.
 */
export function columnsJson(metric: string, page: ColumnsPage): string {
  return `{"metric":${JSON.stringify(metric)},"trialIds":[${page.trialIds.join(",")}],"steps":[${page.steps.join(",")}],"values":[${page.values.join(",")}],"times":[${page.times.join(",")}],"next":${page.next},"more":${page.more}}`;
}

export class ValidationColumnsCache {
  /** Weighed by the room the columns take (not the points they hold: a column has room to grow). */
  private readonly kept: RefreshedCache<number, Columns>;

  /** @param maxPoints points kept across all experiments; a bigger experiment is read but not kept. */
  constructor(maxPoints = 1_000_000) {
    this.kept = new RefreshedCache((c) => c.ids.length, maxPoints);
  }

  /** Points with row id > `after`, at most `limit`, after reading what is new. */
  async page(
    store: Store,
    experimentId: number,
    metric: string,
    after: number,
    limit: number,
  ): Promise<ColumnsPage> {
    const cols = await this.kept.read(
      experimentId,
      () => new Columns(metric),
      (c) => this.refresh(store, experimentId, c),
      (c) => c.metric === metric,
    );
    const start = cols.indexAfter(after);
    const end = Math.min(cols.length, start + limit);
    const more = end < cols.length;
    return {
      trialIds: cols.trialIds.subarray(start, end),
      steps: cols.steps.subarray(start, end),
      values: cols.values.subarray(start, end),
      times: cols.times.subarray(start, end),
      next: more ? cols.ids[end - 1]! : Math.max(after, cols.lastId),
      more,
    };
  }

  private async refresh(store: Store, experimentId: number, cols: Columns): Promise<void> {
    const restarted = new Set<number>();
    for (;;) {
      const rows = await store.listExperimentValidationValues({
        experimentId,
        metric: cols.metric,
        after: cols.lastId,
        limit: PAGE,
      });
      for (const r of rows) {
        const run = cols.runs.get(r.trialId);
        if (run !== undefined && r.runId > run) restarted.add(r.trialId);
        if (run === undefined || r.runId > run) cols.runs.set(r.trialId, r.runId);
        if (r.value !== null) cols.push(r.id, r.trialId, r.stepsCompleted, r.value, r.reportTime);
      }
      if (rows.length > 0) cols.lastId = rows[rows.length - 1]!.id;
      if (rows.length < PAGE) break;
    }
    for (const trialId of restarted) {
      const rows: MetricRow[] = [];
      for (let after = 0; ; ) {
        const page = await store.listMetrics({ trialId, group: "validation", after, limit: PAGE });
        rows.push(...page);
        if (page.length < PAGE) break;
        after = page[page.length - 1]!.id;
      }
      cols.replaceTrial(trialId, rows);
    }
  }

  /** Experiments kept, and the room (in points) their columns take: what the bound is on. */
  get size(): { experiments: number; room: number } {
    const { entries, weight } = this.kept.size;
    return { experiments: entries, room: weight };
  }
}
