/**
 * The fire-and-forget metric reports and progress that `PushSender` holds
 * back between two queueings. Reports gather into batches as they come:
 * queueing them one by one on release would merge each into the batch before
 * it, copying that batch every time (quadratic in the reports of one interval,
 * a loop reporting every millisecond makes hundreds). Progress keeps only its
 * latest value and is queued after the reports, so one interval costs one
 * metrics request and at most one progress request (progress moves past
 * metrics, never past a barrier: only metrics and progress are held here).
 */
import type { MetricReport } from "../protocol/api/push.js";
import type { PushItem } from "./push-queue.js";

export type PacedItem = Extract<PushItem, { kind: "metrics" | "progress" }>;

export function isPaced(item: PushItem): item is PacedItem {
  return item.kind === "metrics" || item.kind === "progress";
}

export class PacedPushes {
  /** In order; each holds at most `maxBatchReports`. */
  private readonly batches: MetricReport[][] = [];
  private progress: number | null = null;

  constructor(private readonly maxBatchReports: number) {}

  get empty(): boolean {
    return this.batches.length === 0 && this.progress === null;
  }

  /** Holds a push made by the trial (so never an isolated resend). */
  add(item: PacedItem): void {
    if (item.kind === "progress") {
      this.progress = item.progress;
      return;
    }
    for (const report of item.reports) this.addReport(report);
  }

  /** Everything held, as queue items in the order to queue them; nothing is held after. */
  take(): PacedItem[] {
    const items: PacedItem[] = this.batches.map((reports) => ({
      kind: "metrics",
      reports,
      isolated: false,
    }));
    if (this.progress !== null) items.push({ kind: "progress", progress: this.progress });
    // Emptied in place, not replaced: a fresh array starts with another
    // elements kind, and the optimised report path would be thrown away
    // (deoptimised) the first time it met one.
    this.batches.length = 0;
    this.progress = null;
    return items;
  }

  private addReport(report: MetricReport): void {
    const last = this.batches.at(-1);
    if (last !== undefined && last.length < this.maxBatchReports) last.push(report);
    else this.batches.push([report]);
  }
}
