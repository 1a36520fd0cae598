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
  if (!isSteps(steps)) throw stepsError(what, steps);
  return steps;
}

/**
 * Checks one metrics report and returns a copy of its metrics (later changes
 * by the caller do not reach the queue). Runs for every report of a training
 * loop, so error messages are built only when they are thrown.
 */
export function checkReport(group: MetricGroup, steps: number, metrics: unknown): Metrics {
  if (!isSteps(steps)) throw stepsError(`${group} metrics`, steps);
  const invalid = (problem: string) =>
    new InvalidReportError(`${group} metrics at step ${steps}: ${problem}`);
  if (typeof metrics !== "object" || metrics === null || Array.isArray(metrics)) {
    throw invalid(`expected an object of numbers, got ${typeof metrics}`);
  }
  const names = Object.keys(metrics);
  if (names.length > MAX_METRICS) {
    throw invalid(`${names.length} metrics, at most ${MAX_METRICS}`);
  }
  const copy: Metrics = {};
  for (const name of names) {
    const value: unknown = (metrics as Record<string, unknown>)[name];
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
      throw invalid("metric names must have 1 to 200 characters");
    }
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw invalid(`metric "${name}" is ${String(value)}; only finite numbers can be reported`);
    }
    copy[name] = value;
  }
  return copy;
}

function isSteps(steps: number): boolean {
  return Number.isSafeInteger(steps) && steps >= 0;
}

function stepsError(what: string, steps: number): InvalidReportError {
  return new InvalidReportError(`${what}: steps must be an integer >= 0, got ${String(steps)}`);
}

export function checkFinite(value: number, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InvalidReportError(
      `${what} is ${String(value)}; only finite numbers can be reported`,
    );
  }
  return value;
}
