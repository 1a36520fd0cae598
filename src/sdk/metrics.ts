/**
 * Local checks on what a trial reports, so a bad value fails at the line that
 * produced it (naming the metric) instead of as a 400 long after, or as a
 * `null` in the database (JSON has no NaN).
 */
import type { MetricReport } from "../protocol/api/push.js";
import { InvalidReportError } from "./errors.js";

export type Metrics = Record<string, number>;
export type MetricGroup = MetricReport["group"];

const MAX_METRICS = 200;
const MAX_NAME_LENGTH = 200;

export function checkSteps(steps: number, what: string): number {
  if (!Number.isSafeInteger(steps) || steps < 0) {
    throw new InvalidReportError(`${what}: steps must be an integer >= 0, got ${String(steps)}`);
  }
  return steps;
}

/** Returns a copy of `metrics` (later changes by the caller do not reach the queue). */
export function checkMetrics(metrics: unknown, group: MetricGroup, steps: number): Metrics {
  const where = `${group} metrics at step ${steps}`;
  if (typeof metrics !== "object" || metrics === null || Array.isArray(metrics)) {
    throw new InvalidReportError(`${where}: expected an object of numbers, got ${typeof metrics}`);
  }
  const entries = Object.entries(metrics);
  if (entries.length > MAX_METRICS) {
    throw new InvalidReportError(`${where}: ${entries.length} metrics, at most ${MAX_METRICS}`);
  }
  const copy: Metrics = {};
  for (const [name, value] of entries) {
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
      throw new InvalidReportError(`${where}: metric names must have 1 to 200 characters`);
    }
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new InvalidReportError(
        `${where}: metric "${name}" is ${String(value)}; only finite numbers can be reported`,
      );
    }
    copy[name] = value;
  }
  return copy;
}

export function checkFinite(value: number, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InvalidReportError(
      `${what} is ${String(value)}; only finite numbers can be reported`,
    );
  }
  return value;
}
