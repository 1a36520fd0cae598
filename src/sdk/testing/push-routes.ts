/** The push API's paths (DESIGN §4), parsed: the fake master's router. */
import type { HttpMethod } from "../transport.js";

export type PushRoute =
  | { name: "operation"; trialId: number; waitSeconds: number }
  | { name: "completedOperation"; trialId: number }
  | { name: "earlyExit"; trialId: number }
  | { name: "progress"; trialId: number }
  | { name: "metrics"; trialId: number }
  | { name: "checkpoints" }
  | { name: "bestValidation"; experimentId: number }
  | { name: "preemption"; allocationId: string; timeoutSeconds: number }
  | { name: "ackPreemption"; allocationId: string }
  | { name: "nextTrial"; allocationId: string }
  | { name: "environment"; allocationId: string };

const TRIAL_WRITES = {
  "searcher/completed_operation": "completedOperation",
  early_exit: "earlyExit",
  progress: "progress",
  metrics: "metrics",
} as const;

/** `path` is relative to `/api/v1`, query string included. Null: no such push call. */
export function parsePushRoute(method: HttpMethod, path: string): PushRoute | null {
  const url = new URL(path, "http://push.invalid");
  const seconds = (name: string) => Number(url.searchParams.get(name) ?? 0);
  const p = url.pathname;

  const operation = /^\/trials\/(\d+)\/searcher\/operation$/.exec(p);
  if (method === "GET" && operation) {
    return {
      name: "operation",
      trialId: Number(operation[1]),
      waitSeconds: seconds("waitSeconds"),
    };
  }
  const trialWrite =
    /^\/trials\/(\d+)\/(searcher\/completed_operation|early_exit|progress|metrics)$/.exec(p);
  if (method === "POST" && trialWrite) {
    const name = TRIAL_WRITES[trialWrite[2] as keyof typeof TRIAL_WRITES];
    return { name, trialId: Number(trialWrite[1]) };
  }
  if (method === "POST" && p === "/checkpoints") return { name: "checkpoints" };
  const best = /^\/experiments\/(\d+)\/searcher\/best_searcher_validation_metric$/.exec(p);
  if (method === "GET" && best) return { name: "bestValidation", experimentId: Number(best[1]) };
  const next = /^\/allocations\/([^/]+)\/(next_trial|environment)$/.exec(p);
  if (next && (method === "POST") === (next[2] === "next_trial")) {
    const allocationId = decodeURIComponent(next[1] ?? "");
    return { name: next[2] === "environment" ? "environment" : "nextTrial", allocationId };
  }
  const signal = /^\/allocations\/([^/]+)\/signals\/(preemption|ack_preemption)$/.exec(p);
  if (signal) {
    const allocationId = decodeURIComponent(signal[1] ?? "");
    if (method === "GET" && signal[2] === "preemption") {
      return { name: "preemption", allocationId, timeoutSeconds: seconds("timeoutSeconds") };
    }
    if (method === "POST" && signal[2] === "ack_preemption")
      return { name: "ackPreemption", allocationId };
  }
  return null;
}
