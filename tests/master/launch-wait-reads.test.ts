/**
 * A restarted master takes up the waits of the trials waiting for slots
 * whose last launches could not reach the cluster by reading their runs in a
 * few statements, whatever their number: read one trial at a time, a
 * restart with thousands waiting made thousands of reads before it
 * scheduled anything.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { createMaster, type Master } from "../../src/master/app/master.js";
import { CLUSTER_UNREACHABLE } from "../../src/master/domain/index.js";
import { FakeLauncher } from "../../src/master/launcher/fake-launcher.js";
import {
  type LoggedStore,
  loggedSqliteStore,
  newSearch,
} from "../storage/support/logged-sqlite-store.js";

let logged: LoggedStore | null = null;
let master: Master | null = null;
let dir: string | null = null;
afterEach(async () => {
  await master?.close();
  await logged?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  master = logged = dir = null;
});

test("the runs of 1,200 trials waiting for slots are read in a few statements, and those whose launches were lost wait", async () => {
  logged = await loggedSqliteStore();
  const { store } = logged;
  const exp = await newSearch(store, "waiting");
  const lost = new Set<number>();
  await store.transaction(async (tx) => {
    for (let r = 1; r <= 1200; r++) {
      const t = await tx.createTrial({
        experimentId: exp.id,
        requestId: r,
        hparams: {},
        trialSeed: r,
      });
      await tx.addTrialOp(t.id, 10);
      if (r % 3 !== 0) continue;
      // Two runs in a row lost before they started: the next launch waits 2 s from the last.
      for (const runId of [1, 2]) {
        const id = `run-${t.id}-${runId}`;
        await tx.createAllocation({
          id,
          trialId: t.id,
          experimentId: exp.id,
          runId,
          slots: 1,
          tokenHash: id,
        });
        const exitReason = `lost (${CLUSTER_UNREACHABLE})`;
        await tx.updateAllocation(id, { state: "TERMINATED", exitReason, endedAt: new Date() });
      }
      lost.add(t.id);
    }
  });
  dir = await mkdtemp(join(tmpdir(), "pushtune-launch-waits-"));
  master = createMaster(store, new FakeLauncher(1), { checkpointRoot: dir });
  const m = master;
  const ran = await logged.statementsOf(() => m.supervisor.resumeLaunchWaits());
  // The live ones once, and every run of the waiting trials in parts of 500 trials.
  expect(ran.filter((s) => /from "allocations"/.test(s.sql)).length).toBe(1 + 3);
  expect(ran.length).toBeLessThan(30);
  const { backoff } = (
    m.supervisor as unknown as { launches: { backoff: { waits(id: number): boolean } } }
  ).launches;
  const trials = await store.listTrialStubs({ experimentId: exp.id });
  expect(trials).toHaveLength(1200);
  for (const t of trials) expect(backoff.waits(t.id)).toBe(lost.has(t.id));
});
