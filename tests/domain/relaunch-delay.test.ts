/**
 * The wait before a trial's next launch after launches that could not reach
 * the cluster, and how a restarted master works it out from the stored runs:
 * only runs lost for that reason count, from the latest back; a run that
 * started, or one a stopping master never launched (lost for no fault of the
 * cluster), ends the series.
 */
import { describe, expect, it } from "vitest";
import {
  CLUSTER_UNREACHABLE,
  relaunchDelayMs,
  relaunchWait,
  type StoredRun,
} from "../../src/master/domain/index.js";

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const unreachable = (endedAt: Date): StoredRun => ({
  launched: false,
  exitReason: `lost (${CLUSTER_UNREACHABLE})`,
  endedAt,
});

describe("relaunch delays", () => {
  it("double from 1 s to at most 60 s", () => {
    expect([1, 2, 3, 4, 6, 7, 20].map(relaunchDelayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 32_000, 60_000, 60_000,
    ]);
  });

  it("count the runs that could not reach the cluster, from the latest back", () => {
    const started: StoredRun = { launched: true, exitReason: "lost (…)", endedAt: at(0) };
    const runs = [unreachable(at(1)), started, unreachable(at(10)), unreachable(at(12))];
    // Two in a row after the run that started: 2 s from the last one's end.
    expect(relaunchWait(runs, at(13))).toEqual({ failures: 2, waitMs: 1_000 });
    expect(relaunchWait(runs, at(20))).toEqual({ failures: 2, waitMs: 0 });
  });

  it("do not count a run a stopping master never launched, nor any other end", () => {
    const neverLaunched: StoredRun = {
      launched: false,
      exitReason: "lost (its process could not be reached or found; the trial's logs say why)",
      endedAt: at(5),
    };
    expect(relaunchWait([unreachable(at(1)), neverLaunched], at(5))).toEqual({
      failures: 0,
      waitMs: 0,
    });
    const crashed: StoredRun = {
      launched: false,
      exitReason: "crashed (exit code 127)",
      endedAt: at(5),
    };
    expect(relaunchWait([crashed], at(5))).toEqual({ failures: 0, waitMs: 0 });
  });
});
