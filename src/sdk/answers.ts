/**
 * Checks of the master's answers to the SDK's reads. They accept exactly what
 * the protocol schemas `OperationResponse`, `PreemptionResponse`,
 * `BestMetricResponse`, `EnvironmentResponse` and `NextTrialResponse` accept (a test holds them to it), written out by hand
 * so that a trial starts without loading the schema library: its hundreds of
 * modules cost every trial process about 0.3 s of CPU before its first batch.
 */
import type {
  BestMetricResponse,
  EnvironmentResponse,
  NextTrialResponse,
  OperationResponse,
  PreemptionResponse,
} from "../protocol/api/push.js";

type Json = Record<string, unknown>;

const isObject = (x: unknown): x is Json =>
  typeof x === "object" && x !== null && !Array.isArray(x);

/** `FiniteNumber`: a number between ±Number.MAX_VALUE. */
const isFiniteNumber = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

export function isOperationResponse(x: unknown): x is OperationResponse {
  if (!isObject(x) || typeof x.completed !== "boolean") return false;
  if (x.preempt !== undefined && typeof x.preempt !== "boolean") return false;
  if (x.op === null) return true;
  return isObject(x.op) && Number.isInteger(x.op.length) && (x.op.length as number) >= 1;
}

export function isPreemptionResponse(x: unknown): x is PreemptionResponse {
  return isObject(x) && typeof x.preempt === "boolean";
}

export function isBestMetricResponse(x: unknown): x is BestMetricResponse {
  return isObject(x) && "metric" in x && (x.metric === null || isFiniteNumber(x.metric));
}

export function isEnvironmentResponse(x: unknown): x is EnvironmentResponse {
  return isObject(x) && isObject(x.env) && Object.values(x.env).every((v) => typeof v === "string");
}

export function isNextTrialResponse(x: unknown): x is NextTrialResponse {
  if (!isObject(x) || !("env" in x)) return false;
  if (x.env === null) return true;
  return isObject(x.env) && Object.values(x.env).every((v) => typeof v === "string");
}
