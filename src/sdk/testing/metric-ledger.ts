/**
 * The master's rule for metric pushes, in memory: one row per (group,
 * stepsCompleted); an identical repeat is a no-op (so a retried batch is
 * harmless), a different value is METRIC_CONFLICT; a batch is one transaction.
 */
import type { MetricReport } from "../../protocol/api/push.js";
import { RequestError } from "../errors.js";

export class MetricLedger {
  private readonly rows = new Map<string, MetricReport>();

  /** Stored reports, in arrival order. */
  get all(): MetricReport[] {
    return [...this.rows.values()];
  }

  /** Stores a batch, all or nothing; returns the reports that were new. */
  insert(reports: MetricReport[]): MetricReport[] {
    const fresh = new Map<string, MetricReport>();
    for (const report of reports) {
      const key = `${report.group}:${report.stepsCompleted}`;
      const existing = this.rows.get(key) ?? fresh.get(key);
      if (existing === undefined) {
        fresh.set(key, report);
      } else if (!sameMetrics(existing.metrics, report.metrics)) {
        throw new RequestError(
          "METRIC_CONFLICT",
          `${report.group} metrics at step ${report.stepsCompleted} differ from the ones stored`,
          undefined,
          { group: report.group, stepsCompleted: report.stepsCompleted },
        );
      }
    }
    for (const [key, report] of fresh) this.rows.set(key, report);
    return [...fresh.values()];
  }
}

/** Identity is the values; `reportTime` may differ between a report and its retry. */
function sameMetrics(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.is(a[k], b[k]));
}
