/**
 * The rungs of a successive-halving search, from what the searcher was told
 * and what it asked for: a trial reached length L when the searcher heard its
 * validation at L, and was promoted from L when it completed, or was given, a
 * longer op afterwards. Tallied event by event (`RungTally`), so that a live
 * view adds the events it has not seen to what it has, in any number of steps,
 * and gets what one tally of the whole log gives (`ashaRungs`).
 */
import type { AshaRung } from "../../protocol/api/charts.js";
import type { SearcherEvent } from "../../searcher/types.js";

/** A trial's first operation not yet completed: a length it goes on to. */
type NextOp = { trialId: number; length: number };

export class RungTally {
  /** The trials that validated at each length. */
  private readonly reached = new Map<number, Set<number>>();
  /** The longest length each trial validated at. */
  private readonly furthest = new Map<number, number>();
  /** Validations tallied: what the tally holds. */
  size = 0;

  /** Tallies `events`' validations; one whose request has no trial (`trialOf`) is left out. */
  add(events: Iterable<SearcherEvent>, trialOf: (requestId: number) => number | undefined): void {
    for (const e of events) {
      if (e.type !== "validationCompleted") continue;
      const trialId = trialOf(e.requestId);
      if (trialId === undefined) continue;
      let rung = this.reached.get(e.length);
      if (!rung) {
        rung = new Set();
        this.reached.set(e.length, rung);
      }
      rung.add(trialId);
      this.furthest.set(trialId, Math.max(this.furthest.get(trialId) ?? 0, e.length));
      this.size++;
    }
  }

  /** The rungs in length order, `nextOps` adding the lengths trials go on to. */
  rungs(nextOps: readonly NextOp[]): AshaRung[] {
    const goesTo = new Map<number, number>();
    for (const op of nextOps)
      goesTo.set(op.trialId, Math.max(goesTo.get(op.trialId) ?? 0, op.length));
    const lengths = new Set([...this.reached.keys(), ...nextOps.map((op) => op.length)]);
    return [...lengths]
      .sort((a, b) => a - b)
      .map((length) => {
        const reached = [...(this.reached.get(length) ?? [])].sort((a, b) => a - b);
        const further = (id: number) =>
          Math.max(this.furthest.get(id) ?? 0, goesTo.get(id) ?? 0) > length;
        return { length, reached, promoted: reached.filter(further) };
      });
  }
}

/** The rungs of a whole event log at once. */
export function ashaRungs(
  trials: readonly { id: number; requestId: number }[],
  events: readonly SearcherEvent[],
  nextOps: readonly NextOp[],
): AshaRung[] {
  const trialOf = new Map(trials.map((t) => [t.requestId, t.id]));
  const tally = new RungTally();
  tally.add(events, (requestId) => trialOf.get(requestId));
  return tally.rungs(nextOps);
}
