/**
 * Drives a searcher with events in an order chosen by a script (from
 * fast-check), the way an unreliable world might deliver them: trials report,
 * exit for any reason, report progress, get closed, get killed, and late
 * events arrive for finished trials. After every event it checks the
 * searcher's invariants; see `checks` below.
 */
import fc from "fast-check";
import { expect } from "vitest";
import type { ExperimentConfig } from "../../../src/protocol/config/types.js";
import {
  newSearcher,
  replaySearcher,
  type SearcherState,
  searcherProgress,
  stepSearcher,
} from "../../../src/searcher/searcher.js";
import { restoreSearcher, snapshotSearcher } from "../../../src/searcher/snapshot.js";
import type { ExitedReason, SearcherEvent, SearcherOp } from "../../../src/searcher/types.js";

export interface ScriptStep {
  pick: number;
  metric: number;
  reason: ExitedReason;
  /** 0–9: which kind of event to prefer for the picked trial. */
  kind: number;
}

export const scriptStep: fc.Arbitrary<ScriptStep> = fc.record({
  pick: fc.nat(),
  metric: fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: -5, max: 5 }).map((n) => n / 4) },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity) },
  ),
  reason: fc.constantFrom<ExitedReason>("INVALID_HP", "ERRORED", "USER_CANCELED"),
  kind: fc.nat(9),
});

interface WorldTrial {
  announced: boolean;
  op: number | null;
  trained: number;
  closing: boolean;
  finished: boolean;
}

export interface DriveResult {
  state: SearcherState;
  events: SearcherEvent[];
  ops: SearcherOp[][];
  trials: WorldTrial[];
}

function concurrencyLimit(config: ExperimentConfig): number {
  const s = config.searcher;
  if (s.name === "pbt") return s.population_size;
  return "max_concurrent_trials" in s ? s.max_concurrent_trials : 1;
}

export function drive(
  config: ExperimentConfig,
  script: ScriptStep[],
  maxEvents = 20_000,
): DriveResult {
  let state = stepSearcher(config, restoreSearcher(snapshotSearcher(newSearcher(config))), {
    type: "initialize",
  });
  const events: SearcherEvent[] = [{ type: "initialize" }];
  const opsLog: SearcherOp[][] = [state.ops];
  const trials: WorldTrial[] = [];
  let shutdowns = 0;
  let lastProgress = 0;
  const limit = concurrencyLimit(config);

  const applyOps = (ops: SearcherOp[]) => {
    if (shutdowns > 0) expect(ops, "no ops after shutdown").toEqual([]);
    for (const op of ops) {
      switch (op.type) {
        case "create":
          expect(op.requestId).toBe(trials.length + 1);
          trials.push({
            announced: false,
            op: null,
            trained: op.checkpoint?.length ?? 0,
            closing: false,
            finished: false,
          });
          break;
        case "validateAfter": {
          const t = trials[op.requestId - 1];
          expect(t, `validateAfter for unknown trial ${op.requestId}`).toBeDefined();
          expect(
            t!.finished || t!.closing,
            `validateAfter for a closed trial ${op.requestId}`,
          ).toBe(false);
          expect(t!.op, `second op for trial ${op.requestId}`).toBeNull();
          t!.op = op.length;
          break;
        }
        case "close": {
          const t = trials[op.requestId - 1];
          expect(t, `close for unknown trial ${op.requestId}`).toBeDefined();
          expect(t!.finished || t!.closing, `close for a closed trial ${op.requestId}`).toBe(false);
          t!.closing = true;
          break;
        }
        case "shutdown":
          shutdowns++;
          expect(op.cancel).toBe(false);
          break;
      }
    }
    if (limit > 0) {
      const busy = trials.filter((t) => t.op !== null && !t.finished).length;
      expect(busy, "busy trials within max_concurrent_trials").toBeLessThanOrEqual(limit);
    }
  };
  applyOps(state.ops);

  const send = (event: SearcherEvent, late = false) => {
    const before = snapshotSearcher(state.state);
    const next = stepSearcher(config, state.state, event);
    expect(snapshotSearcher(state.state), "stepSearcher leaves its input alone").toBe(before);
    const snapshot = snapshotSearcher(next.state);
    const restored = restoreSearcher(snapshot);
    expect(snapshotSearcher(restored), "snapshot round trip").toBe(snapshot);
    state = { state: restored, ops: next.ops };
    events.push(event);
    opsLog.push(next.ops);
    if (late) expect(next.ops, "late events are ignored").toEqual([]);
    applyOps(next.ops);
    const progress = searcherProgress(restored);
    expect(progress).toBeGreaterThanOrEqual(lastProgress);
    expect(progress).toBeLessThanOrEqual(1);
    if (shutdowns > 0) expect(progress).toBe(1);
    else expect(progress).toBeLessThan(1);
    lastProgress = progress;
  };

  let cursor = 0;
  while (shutdowns === 0) {
    expect(events.length, "the search ends").toBeLessThan(maxEvents);
    const step = script[cursor++];
    const unannounced = trials.findIndex((t) => !t.announced);
    if (unannounced >= 0 && (step === undefined || step.kind < 5)) {
      trials[unannounced]!.announced = true;
      send({ type: "trialCreated", requestId: unannounced + 1 });
      continue;
    }
    const live = trials.flatMap((t, i) => (t.announced && !t.finished ? [i] : []));
    if (step === undefined) {
      // Script exhausted: finish the search the plain way.
      const i = live.find((j) => trials[j]!.op !== null) ?? live.find((j) => trials[j]!.closing);
      expect(i, "a trial can make progress").toBeDefined();
      const t = trials[i!]!;
      if (t.op !== null) {
        const length = t.op;
        t.op = null;
        send({ type: "validationCompleted", requestId: i! + 1, metric: 0, length });
      } else {
        t.finished = true;
        send({ type: "trialClosed", requestId: i! + 1 });
      }
      continue;
    }
    const finished = trials.flatMap((t, i) => (t.finished ? [i] : []));
    if (step.kind === 9 && finished.length > 0) {
      const i = finished[step.pick % finished.length]!;
      const late: SearcherEvent[] = [
        { type: "validationCompleted", requestId: i + 1, metric: step.metric, length: 1 },
        { type: "trialExitedEarly", requestId: i + 1, reason: step.reason },
        { type: "trialClosed", requestId: i + 1 },
        { type: "trialProgress", requestId: i + 1, length: 5 },
      ];
      send(late[step.pick % late.length]!, true);
      continue;
    }
    if (live.length === 0) continue;
    const i = live[step.pick % live.length]!;
    const t = trials[i]!;
    const requestId = i + 1;
    if (t.op !== null) {
      if (step.kind <= 4) {
        const length = t.op;
        t.op = null;
        send({ type: "validationCompleted", requestId, metric: step.metric, length });
      } else if (step.kind <= 6) {
        const length = t.trained + ((step.pick % 7) / 6) * (t.op - t.trained);
        t.trained = length;
        send({ type: "trialProgress", requestId, length });
      } else if (step.kind === 7) {
        t.finished = true;
        send({ type: "trialExitedEarly", requestId, reason: step.reason });
      } else {
        t.finished = true;
        send({ type: "trialClosed", requestId });
      }
    } else if (t.closing) {
      t.finished = true;
      send({ type: "trialClosed", requestId });
    } else if (step.kind >= 7) {
      // A trial waiting for a promotion exits or is killed.
      t.finished = true;
      send(
        step.kind === 7
          ? { type: "trialExitedEarly", requestId, reason: step.reason }
          : { type: "trialClosed", requestId },
      );
    }
  }

  expect(shutdowns, "shutdown exactly once").toBe(1);
  expect(
    trials.every((t) => t.finished),
    "every created trial is finished",
  ).toBe(true);
  expect(snapshotSearcher(replaySearcher(config, events)), "replay rebuilds the state").toBe(
    snapshotSearcher(state.state),
  );
  return { state: state.state, events, ops: opsLog, trials };
}
