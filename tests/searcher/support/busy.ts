import type { SearcherEvent, SearcherOp } from "../../../src/searcher/types.js";

/** The most trials with a validateAfter outstanding at once, given events and the ops each produced. */
export function peakBusy(events: SearcherEvent[], ops: SearcherOp[][]): number {
  const busy = new Set<number>();
  let peak = 0;
  events.forEach((event, i) => {
    if (event.type === "validationCompleted" || event.type === "trialExitedEarly") {
      busy.delete(event.requestId);
    }
    for (const op of ops[i]!) if (op.type === "validateAfter") busy.add(op.requestId);
    peak = Math.max(peak, busy.size);
  });
  return peak;
}
