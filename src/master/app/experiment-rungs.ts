/**
 * The rungs of recent experiments, for the web UI's experiment page, which
 * asks for them every few seconds while a search runs. An experiment's
 * searcher event log only grows — seqs 1, 2, 3 … with no gap, and one is seen
 * only once those before it are (`appendSearcherEvent`) — so what was tallied
 * of it is kept, and a read costs what is new: the events past the last one
 * tallied, the trials created since when those name one, and the trials'
 * operations not yet completed (few, by an index). Bounded by the
 * validations and trials kept across experiments, least recently read out
 * first; a deleted experiment's go at once.
 */
import type { AshaRung } from "../../protocol/api/charts.js";
import { RungTally } from "../domain/asha-rungs.js";
import type { Store } from "../storage/store.js";

/** Validations and trials kept across experiments (tens of bytes each). */
const KEPT = 1_000_000;

/** One experiment's tally of its log up to `lastSeq`. */
class Tallied {
  readonly tally = new RungTally();
  /** Trial ids by request id, of the trials up to `lastTrialId`. */
  readonly trialOf = new Map<number, number>();
  lastSeq = 0;
  lastTrialId = 0;
  /** The refresh in progress: one at a time per experiment. */
  refreshing: Promise<void> = Promise.resolve();

  get size(): number {
    return this.tally.size + this.trialOf.size;
  }
}

export class ExperimentRungs {
  /** In least-recently-read-first order. */
  private readonly kept = new Map<number, Tallied>();

  constructor(
    private readonly store: Store,
    private readonly bound = KEPT,
  ) {}

  /** The experiment's rungs as its log and its trials' operations stand now. */
  async get(experimentId: number): Promise<AshaRung[]> {
    const tallied = this.kept.get(experimentId) ?? new Tallied();
    this.kept.delete(experimentId);
    this.kept.set(experimentId, tallied);
    const refreshed = tallied.refreshing.then(() => this.refresh(experimentId, tallied));
    tallied.refreshing = refreshed.catch(() => undefined);
    await refreshed;
    this.evict();
    return tallied.tally.rungs(await this.store.listNextTrialOps(experimentId));
  }

  /** The experiment is deleted: its tally is read no more. */
  forget(experimentId: number): void {
    this.kept.delete(experimentId);
  }

  /** Experiments kept, and the validations and trials their tallies hold: what the bound is on. */
  get size(): { experiments: number; held: number } {
    let held = 0;
    for (const t of this.kept.values()) held += t.size;
    return { experiments: this.kept.size, held };
  }

  private async refresh(experimentId: number, tallied: Tallied): Promise<void> {
    const rows = await this.store.listSearcherEvents(experimentId, tallied.lastSeq);
    if (rows.length === 0) return;
    const events = rows.map((r) => r.event);
    // A validation's trial is stored before its event is, and an experiment's trials are made
    // one transaction after another under its lock, ids rising: read after the events, the
    // trials past the last one read hold every new trial they name.
    const named = (e: (typeof events)[number]) =>
      e.type === "validationCompleted" && !tallied.trialOf.has(e.requestId);
    if (events.some(named)) {
      const after = tallied.lastTrialId;
      for (const t of await this.store.listTrialStubs({ experimentId, after })) {
        tallied.trialOf.set(t.requestId, t.id);
        tallied.lastTrialId = Math.max(tallied.lastTrialId, t.id);
      }
    }
    tallied.tally.add(events, (requestId) => tallied.trialOf.get(requestId));
    tallied.lastSeq = rows[rows.length - 1]!.seq;
  }

  /** Drops least recently read experiments while their tallies hold more than the bound. */
  private evict(): void {
    let held = this.size.held;
    for (const [id, t] of this.kept) {
      if (held <= this.bound) break;
      this.kept.delete(id);
      held -= t.size;
    }
  }
}
