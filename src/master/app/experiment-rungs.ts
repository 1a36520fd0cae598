/**
 * The rungs of recent experiments, for the web UI's experiment page, which
 * asks for them every few seconds while a search runs. An experiment's
 * searcher event log only grows — seqs 1, 2, 3 … with no gap, and one is seen
 * only once those before it are (`appendSearcherEvent`) — so what was tallied
 * of it is kept, and a read costs what is new: the events past the last one
 * tallied, the trials created since when those name one, and the trials'
 * operations not yet completed (few, by an index). Bounded by the
 * validations and trials kept across experiments (`RefreshedCache`); a
 * deleted experiment's go at once.
 */
import type { AshaRung } from "../../protocol/api/charts.js";
import { RungTally } from "../domain/asha-rungs.js";
import type { Store } from "../storage/store.js";
import { RefreshedCache } from "./refreshed-cache.js";

/** Validations and trials kept across experiments (tens of bytes each). */
const KEPT = 1_000_000;

/** One experiment's tally of its log up to `lastSeq`. */
class Tallied {
  readonly tally = new RungTally();
  /** Trial ids by request id, of the trials up to `lastTrialId`. */
  readonly trialOf = new Map<number, number>();
  lastSeq = 0;
  lastTrialId = 0;

  get size(): number {
    return this.tally.size + this.trialOf.size;
  }
}

export class ExperimentRungs {
  private readonly kept: RefreshedCache<number, Tallied>;

  constructor(
    private readonly store: Store,
    bound = KEPT,
  ) {
    this.kept = new RefreshedCache((t) => t.size, bound);
  }

  /** The experiment's rungs as its log and its trials' operations stand now. */
  async get(experimentId: number): Promise<AshaRung[]> {
    const tallied = await this.kept.read(
      experimentId,
      () => new Tallied(),
      (t) => this.refresh(experimentId, t),
    );
    return tallied.tally.rungs(await this.store.listNextTrialOps(experimentId));
  }

  /** The experiment is deleted: its tally is read no more. */
  forget(experimentId: number): void {
    this.kept.forget(experimentId);
  }

  /** Experiments kept, and the validations and trials their tallies hold: what the bound is on. */
  get size(): { experiments: number; held: number } {
    const { entries, weight } = this.kept.size;
    return { experiments: entries, held: weight };
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
}
