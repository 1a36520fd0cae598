/**
 * A Slurm job outlives its master (DESIGN §8): a master that stops while a
 * trial runs and comes back on the same address adopts the job, which goes on
 * pushing to it; the trial completes in its first run, its logs whole.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { MasterClient, type Method } from "../../src/cli/client.js";
import { type RunningMaster, startMaster } from "../../src/cli/commands/master.js";
import { SlurmLauncher } from "../../src/master/launcher/slurm/slurm-launcher.js";
import { freePort, slurmClusterForFile } from "../support/slurm-cluster.js";
import { ensureSdkBuilt, SYNTHETIC_DIR } from "./support/build.js";
import {
  type ApiClient,
  createExperiment,
  logsOf,
  trialDetails,
  waitFor,
  waitForEnd,
} from "./support/cluster.js";
import { syntheticConfig, withChanges } from "./support/configs.js";

const slurm = slurmClusterForFile();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

/** A master on `port` whose trials are jobs of the test cluster. */
async function master(dataDir: string, port: number): Promise<RunningMaster> {
  const m = await startMaster({
    dataDir,
    port,
    quiet: true,
    launcher: new SlurmLauncher({
      slots: 1,
      jobsDir: join(dataDir, "slurm-jobs"),
      runCommand: slurm().runCommand,
    }),
  });
  cleanups.push(() => m.close());
  return m;
}

/** 200 batches of 20 ms: long enough to stop the master in the middle. */
const slowConst = withChanges(syntheticConfig("const.yaml"), {
  name: "slurm-restart",
  hyperparameters: { lr: 0.01, hidden: 128, optimizer: "adam", sleep_ms: 20 },
});

test("a master that comes back adopts a running job, and its trial completes in its first run", async () => {
  await ensureSdkBuilt();
  const dataDir = await mkdtemp(join(tmpdir(), "pushtune-slurm-e2e-"));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const first = await master(dataDir, port);
  const token = (await readFile(join(dataDir, "admin.token"), "utf8")).trim();
  const client = new MasterClient(first.url, token);
  const c: ApiClient = {
    api: <T>(method: string, path: string, body?: unknown) =>
      client.request<T>(method as Method, path, body),
  };
  const id = await createExperiment(c, slowConst, SYNTHETIC_DIR);
  await waitFor("training to be under way", async () => {
    const [t] = await trialDetails(c, id);
    return t && t.latestValidation !== null ? t : null;
  });
  await first.close();

  await master(dataDir, port);
  expect(await waitForEnd(c, id, 60)).toBe("COMPLETED");
  const [t] = await trialDetails(c, id);
  expect(t!.restarts).toBe(0);
  expect(t!.allocations).toHaveLength(1);
  expect((await logsOf(c, t!.id)).filter((l) => /^pushtune: trial \d+ /.test(l))).toEqual([
    `pushtune: trial ${t!.id} completed after 200 batches`,
  ]);
}, 60_000);
