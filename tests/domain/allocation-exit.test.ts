import { describe, expect, test } from "vitest";
import {
  classifyExit,
  decideAfterExit,
  type ExitInput,
} from "../../src/master/domain/allocation-lifecycle.js";

/** A clean exit of a trial that still has work, nothing requested. */
const base: ExitInput = {
  exitCode: 0,
  signal: null,
  preemptAcked: false,
  killRequested: false,
  lostByInfrastructure: false,
  opsRemaining: true,
  closeRequested: false,
  earlyExitReported: false,
};

describe("how an allocation's end is read", () => {
  test("a trial that acked a preemption and exited 0 was preempted", () => {
    expect(classifyExit({ ...base, preemptAcked: true })).toBe("preempted");
  });

  test("a trial that exited 0 with its op complete and the trial closed completed", () => {
    expect(classifyExit({ ...base, opsRemaining: false, closeRequested: true })).toBe("completed");
  });

  test("a trial that finished its work while a preemption was acked still completed", () => {
    expect(
      classifyExit({ ...base, preemptAcked: true, opsRemaining: false, closeRequested: true }),
    ).toBe("completed");
  });

  test("a trial that exited 0 in the middle of its op, no early exit reported, is unfinished", () => {
    expect(classifyExit(base)).toBe("unfinished");
  });

  test("a trial that reported an early exit and exited 0 exited early, work left or not", () => {
    expect(classifyExit({ ...base, earlyExitReported: true })).toBe("exitedEarly");
    expect(classifyExit({ ...base, earlyExitReported: true, opsRemaining: false })).toBe(
      "exitedEarly",
    );
  });

  test("a trial that exited 0 with its op complete but not closed released its slot", () => {
    expect(classifyExit({ ...base, opsRemaining: false })).toBe("released");
  });

  test("an exit 0 after a preemption ack is a preemption, even with the op open", () => {
    expect(classifyExit({ ...base, preemptAcked: true })).toBe("preempted");
  });

  test("a reported early exit is final however the process ended after it", () => {
    for (const end of [
      { preemptAcked: true },
      { exitCode: 1 },
      { exitCode: null, signal: "SIGSEGV" },
      { lostByInfrastructure: true },
      { killRequested: true, exitCode: null, signal: "SIGKILL" },
    ])
      expect(classifyExit({ ...base, ...end, earlyExitReported: true }), JSON.stringify(end)).toBe(
        "exitedEarly",
      );
  });

  test("a non-zero exit code is a crash", () => {
    expect(classifyExit({ ...base, exitCode: 1 })).toBe("crashed");
  });

  test("a signal nobody asked for is a crash", () => {
    expect(classifyExit({ ...base, exitCode: null, signal: "SIGSEGV" })).toBe("crashed");
  });

  test("a crash after acking a preemption is still a crash", () => {
    expect(classifyExit({ ...base, exitCode: 2, preemptAcked: true })).toBe("crashed");
  });

  test("a process the master killed was killed, whatever its exit code", () => {
    expect(classifyExit({ ...base, exitCode: null, signal: "SIGKILL", killRequested: true })).toBe(
      "killed",
    );
    expect(classifyExit({ ...base, exitCode: 0, killRequested: true })).toBe("killed");
  });

  test("a process lost with its node was lost, whatever else is known of the process", () => {
    expect(
      classifyExit({ ...base, exitCode: null, lostByInfrastructure: true, killRequested: true }),
    ).toBe("lost");
  });

  test("a trial with all its work done and closed completed, however its process ended", () => {
    const done = { ...base, opsRemaining: false, closeRequested: true };
    expect(classifyExit({ ...done, exitCode: null, lostByInfrastructure: true })).toBe("completed");
    expect(classifyExit({ ...done, exitCode: null, signal: "SIGKILL", killRequested: true })).toBe(
      "completed",
    );
    expect(classifyExit({ ...done, exitCode: 1 })).toBe("completed");
  });
});

describe("what follows an allocation's end", () => {
  const counts = { restarts: 0, maxRestarts: 2 };

  test("a preempted trial is rescheduled without counting a restart", () => {
    expect(decideAfterExit("preempted", counts)).toEqual({
      action: "reschedule",
      countsRestart: false,
    });
  });

  test("a trial that released its slot between ops is rescheduled without counting a restart", () => {
    expect(decideAfterExit("released", counts)).toEqual({
      action: "reschedule",
      countsRestart: false,
    });
  });

  test("a trial lost to the infrastructure is rescheduled without counting a restart", () => {
    expect(decideAfterExit("lost", counts)).toEqual({ action: "reschedule", countsRestart: false });
  });

  test("a completed trial is completed", () => {
    expect(decideAfterExit("completed", counts)).toEqual({
      action: "complete",
      countsRestart: false,
    });
  });

  test("a trial that exited early ends as it told the searcher", () => {
    expect(decideAfterExit("exitedEarly", counts)).toEqual({
      action: "exitedEarly",
      countsRestart: false,
    });
  });

  test("a killed trial is left to whoever killed it", () => {
    expect(decideAfterExit("killed", counts)).toEqual({ action: "stop", countsRestart: false });
  });

  test("a crash within max_restarts restarts the trial and counts", () => {
    expect(decideAfterExit("crashed", { restarts: 1, maxRestarts: 2 })).toEqual({
      action: "restart",
      countsRestart: true,
    });
  });

  test("an unfinished exit 0 is a failure like a crash: restarted within max_restarts, counted", () => {
    expect(decideAfterExit("unfinished", { restarts: 1, maxRestarts: 2 })).toEqual({
      action: "restart",
      countsRestart: true,
    });
    expect(decideAfterExit("unfinished", { restarts: 2, maxRestarts: 2 })).toEqual({
      action: "error",
      countsRestart: true,
    });
  });

  test("the crash that takes restarts past max_restarts is an error", () => {
    expect(decideAfterExit("crashed", { restarts: 2, maxRestarts: 2 })).toEqual({
      action: "error",
      countsRestart: true,
    });
  });

  test("with max_restarts 0 the first crash is an error", () => {
    expect(decideAfterExit("crashed", { restarts: 0, maxRestarts: 0 }).action).toBe("error");
  });
});
