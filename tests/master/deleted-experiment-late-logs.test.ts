/**
 * A process that asked for a next trial, got none and is still exiting when
 * its experiment is deleted may print more lines. They have no trial to go
 * to any more; the lines other trials print meanwhile must still be stored.
 */
import { afterEach, expect, test } from "vitest";
import { singleConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { running, TrialHandle } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test.each([
  ["after", false],
  ["before", true],
])(
  "a deleted experiment's lingering process printing %s the deletion does not cost another trial its log lines",
  async (_, printsBefore) => {
    tm = await startTestMaster({ slots: 2 });
    const doomed = await createExperiment(tm, singleConfig("doomed"));
    const kept = await createExperiment(tm, singleConfig("kept"));
    await tm.settle();
    const spec = (id: number) => running(tm).find((s) => s.experimentId === id)!;
    const lingering = spec(doomed);
    const other = spec(kept);

    // The doomed experiment's only trial finishes; its process asks for another, gets none, and is still exiting.
    const t = new TrialHandle(tm, lingering);
    expect((await t.complete(10, 0.5)).status).toBe(200);
    const next = await tm
      .as(lingering.env.PUSHTUNE_TOKEN!)
      .post<{ env: unknown }>(`/allocations/${lingering.allocationId}/next_trial`);
    expect(next.body.env).toBeNull();
    await tm.settle();
    expect((await tm.admin.get<{ state: string }>(`/experiments/${doomed}`)).body.state).toBe(
      "COMPLETED",
    );
    // A line printed before the deletion is still buffered when the trial's rows go.
    if (printsBefore) tm.launcher.log(lingering.allocationId, "cleaning up");
    expect((await tm.admin.del(`/experiments/${doomed}`)).status).toBe(204);

    if (!printsBefore) tm.launcher.log(lingering.allocationId, "cleaning up");
    tm.launcher.log(other.allocationId, "step 1 of the kept trial");
    await tm.master.supervisor.logs.flush();

    const lines = await tm.store.listLogs({ trialId: other.trialId, limit: 100 });
    expect(lines.map((l) => l.line)).toContain("step 1 of the kept trial");
  },
);
