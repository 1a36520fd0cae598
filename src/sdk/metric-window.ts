/**
 * Training metrics between two reports, averaged: the Trainer reports one
 * mean per metric for every window of batches instead of one row per batch.
 */
import { InvalidReportError } from "./errors.js";
import type { Metrics } from "./metrics.js";

export class MetricWindow {
  private sums = new Map<string, { sum: number; count: number }>();

  /** Adds one batch's metrics; `batchIndex` names the batch in errors. */
  add(metrics: unknown, batchIndex: number): void {
    if (metrics === undefined || metrics === null) return;
    if (typeof metrics !== "object" || Array.isArray(metrics)) {
      throw new InvalidReportError(
        `trainBatch(${batchIndex}) must return an object of numbers, got ${typeof metrics}`,
      );
    }
    for (const [name, value] of Object.entries(metrics)) {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new InvalidReportError(
          `trainBatch(${batchIndex}) returned metric "${name}" = ${String(value)}; only finite numbers can be reported`,
        );
      }
      const entry = this.sums.get(name) ?? { sum: 0, count: 0 };
      entry.sum += value;
      entry.count += 1;
      this.sums.set(name, entry);
    }
  }

  /** The means since the last call (null when no metric came in), and a fresh window. */
  take(): Metrics | null {
    if (this.sums.size === 0) return null;
    const means: Metrics = {};
    for (const [name, { sum, count }] of this.sums) means[name] = sum / count;
    this.sums = new Map();
    return means;
  }
}
