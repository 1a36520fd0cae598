/**
 * How a finished Slurm job reads as an exit: the batch script's record first,
 * then Slurm's state; a cluster's end is not the trial's fault.
 */
import { describe, expect, test } from "vitest";
import { ENDED_STATES, jobExit } from "../../src/master/launcher/slurm/job-end.js";
import {
  nextPollDelay,
  parseScontrolJob,
  parseSqueue,
} from "../../src/master/launcher/slurm/job-queue.js";

const none = { terminate: false, kill: false };

describe("a job's end", () => {
  test("a trial's own exit code comes from the job's exit record", () => {
    expect(
      jobExit({ state: "FAILED", waitStatus: 7 << 8 }, { status: 7, terminated: false }, none),
    ).toEqual({
      exitCode: 7,
      signal: null,
      lost: false,
    });
  });

  test("a status past 128 in the record is the signal that ended the trial", () => {
    expect(jobExit(null, { status: 137, terminated: false }, none)).toMatchObject({
      exitCode: null,
      signal: "SIGKILL",
    });
  });

  test("a time limit, a preemption or a node failure is the cluster's doing, record or not", () => {
    for (const state of ["TIMEOUT", "PREEMPTED", "NODE_FAIL", "DEADLINE", "BOOT_FAIL"]) {
      expect(jobExit({ state, waitStatus: 9 }, null, none)).toEqual({
        exitCode: null,
        signal: "SIGKILL",
        lost: false,
        endedByCluster: state,
      });
      expect(
        jobExit({ state, waitStatus: 0 }, { status: 0, terminated: true }, none),
      ).toMatchObject({
        exitCode: 0,
        endedByCluster: state,
      });
    }
  });

  test("a trial that stopped on a SIGTERM the master did not send stopped for the cluster", () => {
    const record = { status: 0, terminated: true };
    expect(jobExit({ state: "COMPLETED", waitStatus: 0 }, record, none).endedByCluster).toBe(
      "SIGTERM from the cluster",
    );
    expect(
      jobExit({ state: "COMPLETED", waitStatus: 0 }, record, { terminate: true, kill: false })
        .endedByCluster,
    ).toBeUndefined();
  });

  test("a cancel is the master's kill when it asked, a failure of the run otherwise", () => {
    const cancelled = { state: "CANCELLED", waitStatus: 0 };
    expect(jobExit(cancelled, null, { terminate: false, kill: true })).toEqual({
      exitCode: null,
      signal: "SIGKILL",
      lost: false,
    });
    // The trial exited 0 after the SIGTERM of an outside scancel: still not a clean end.
    const cleanExit = { status: 0, terminated: true };
    expect(jobExit(cancelled, cleanExit, none)).toEqual({
      exitCode: null,
      signal: "SIGTERM",
      lost: false,
    });
    expect(jobExit(cancelled, null, none).endedByCluster).toBeUndefined();
  });

  test("a job cancelled while queued never ran: it is lost, unless the master killed it", () => {
    const cancelled = { state: "CANCELLED", waitStatus: 0 };
    const queued = { terminate: true, kill: false, cancelledQueued: true };
    expect(jobExit(cancelled, null, queued)).toEqual({ exitCode: null, signal: null, lost: true });
    expect(jobExit(cancelled, null, { ...queued, kill: true }).lost).toBe(false);
  });

  test("running out of memory is the trial's own failure", () => {
    expect(jobExit({ state: "OUT_OF_MEMORY", waitStatus: 9 }, null, none)).toEqual({
      exitCode: null,
      signal: "SIGKILL",
      lost: false,
    });
  });

  test("a job neither Slurm nor its record knows is lost", () => {
    expect(jobExit(null, null, none)).toEqual({ exitCode: null, signal: null, lost: true });
  });
});

describe("Slurm's answers", () => {
  test("squeue --json of Slurm 22.05 and of later versions give the same states", () => {
    const old = parseSqueue(
      JSON.stringify({ jobs: [{ job_id: 4, job_state: "FAILED", exit_code: 1792 }] }),
    );
    const later = parseSqueue(
      JSON.stringify({
        jobs: [
          {
            job_id: 4,
            job_state: ["FAILED"],
            exit_code: { return_code: { number: 7 }, signal: { id: { number: 0 } } },
          },
        ],
      }),
    );
    expect(old.get("4")).toEqual({ state: "FAILED", waitStatus: 7 << 8, stdout: null });
    expect(later.get("4")).toEqual(old.get("4"));
  });

  test("a job still completing is not ended, however its version of Slurm says so", () => {
    const old = parseSqueue(JSON.stringify({ jobs: [{ job_id: 5, job_state: "COMPLETING" }] }));
    const later = parseSqueue(
      JSON.stringify({ jobs: [{ job_id: 5, job_state: ["CANCELLED", "COMPLETING"] }] }),
    );
    expect(later.get("5")?.state).toBe("COMPLETING");
    expect(later.get("5")).toEqual(old.get("5"));
    expect(ENDED_STATES.has("COMPLETING")).toBe(false);
  });

  test("scontrol show job gives a job's state and its code:signal", () => {
    expect(
      parseScontrolJob(
        "JobId=3 JobName=x\n   JobState=TIMEOUT Reason=TimeLimit\n   ExitCode=0:9\n",
      ),
    ).toEqual({
      state: "TIMEOUT",
      waitStatus: 9,
    });
  });
});

describe("how often squeue is asked", () => {
  const limits = { minMs: 1000, maxMs: 30_000 };

  test("never more than once per interval, and less often while Slurm answers slowly", () => {
    expect(nextPollDelay({ ok: true, tookMs: 20, delayMs: 1000 }, limits)).toBe(1000);
    expect(nextPollDelay({ ok: true, tookMs: 3000, delayMs: 1000 }, limits)).toBe(6000);
  });

  test("each failure doubles the wait, up to the most", () => {
    expect(nextPollDelay({ ok: false, tookMs: 5, delayMs: 1000 }, limits)).toBe(2000);
    expect(nextPollDelay({ ok: false, tookMs: 5, delayMs: 20_000 }, limits)).toBe(30_000);
    expect(nextPollDelay({ ok: true, tookMs: 5, delayMs: 30_000 }, limits)).toBe(1000);
  });
});
