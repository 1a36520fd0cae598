/**
 * A run whose process has not started (a Slurm job still in the queue) has
 * nothing to checkpoint: told to stop (a pause, a cancel, its slot wanted),
 * it is cancelled at once, not after the grace period a running trial gets
 * to checkpoint, nor left to start and train only to be told to stop. A
 * running one of the same experiment still gets its grace period.
 */
import { afterEach, expect, test, vi } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test("a paused experiment's queued job is cancelled at once, its running one left its grace period", async () => {
  tm = await startTestMaster({ slots: 2, preemptionTimeoutSeconds: 300 });
  const res = await tm.admin.post<{ id: number }>("/experiments", {
    config: ashaConfig(),
    workdir: "/tmp",
  });
  await tm.settle();
  const [started, queued] = running(tm);
  tm.launcher.queuedJobs.add(queued!.allocationId);
  expect((await tm.admin.post(`/experiments/${res.body.id}/pause`)).status).toBe(200);
  await vi.waitFor(() => expect(tm.launcher.terminated).toEqual([queued!.allocationId]));
  await vi.waitFor(async () => {
    const logs = await tm.admin.get<{ logs: { stream: string; line: string }[] }>(
      `/trials/${queued!.trialId}/logs`,
    );
    expect(logs.body.logs).toMatchObject([
      { stream: "master", line: "still queued when it was told to stop: cancelling it" },
    ]);
  });

  // The one still queued never ran: lost, and no restart of its trial.
  tm.launcher.exit(queued!.allocationId, { exitCode: null, lost: true });
  await tm.settle();
  const trial = await tm.admin.get<{ state: string; restarts: number }>(
    `/trials/${queued!.trialId}`,
  );
  expect(trial.body).toMatchObject({ state: "PAUSED", restarts: 0 });
  // The running one checkpoints in its own time (SIGTERM only after a minute).
  expect(tm.launcher.terminated).not.toContain(started!.allocationId);
  expect(tm.launcher.live.has(started!.allocationId)).toBe(true);
});
