/**
 * `kill -9` of a master at the moment it submits a trial's job, before it
 * stores the job's id: an `sbatch` ahead of the real one in the master's
 * PATH kills its caller (the master) once, just after the job is submitted,
 * or just before. The master started again on the same data dir and address
 * finds the submitted job and adopts it, or, when no job was submitted,
 * launches the trial again: either way exactly one job of the trial runs.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import type { MasterProcess } from "../support/master-process.js";
import { freePort, slurmClusterForFile } from "../support/slurm-cluster.js";
import { ensureSdkBuilt, SYNTHETIC_DIR } from "./support/build.js";
import {
  type ApiClient,
  createExperiment,
  trialDetails,
  waitFor,
  waitForEnd,
} from "./support/cluster.js";
import { syntheticConfig, syntheticRandomSearch, withChanges } from "./support/configs.js";
import { slurmMasterProcess } from "./support/slurm.js";

const slurm = slurmClusterForFile();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

/**
 * A directory holding an `sbatch` that, the first time it runs, kills its
 * caller with SIGKILL just `after` submitting the job (printing nothing), or
 * just before; then it is the real one.
 */
async function sbatchKillingItsCaller(dir: string, when: "after" | "before"): Promise<string> {
  const bin = join(dir, "bin");
  await mkdir(bin);
  const once = join(dir, "killed-once");
  const submit = when === "after" ? '/usr/bin/sbatch "$@" >/dev/null; ' : "";
  await writeFile(
    join(bin, "sbatch"),
    `#!/bin/sh
if mkdir '${once}' 2>/dev/null; then ${submit}kill -9 "$PPID"; exit 1; fi
exec /usr/bin/sbatch "$@"
`,
  );
  await chmod(join(bin, "sbatch"), 0o755);
  return bin;
}

/** A master process on `port` with 1 slot of the test cluster, its PATH starting at `bin`. */
async function master(dataDir: string, port: number, bin: string): Promise<MasterProcess> {
  const env = { PATH: `${bin}:${process.env.PATH}` };
  const m = await slurmMasterProcess(slurm(), { dataDir, port, slots: 1, env });
  cleanups.push(async () => {
    await m.kill("SIGKILL");
  });
  return m;
}

/** One trial of 40 batches of 25 ms. */
const search = withChanges(
  syntheticRandomSearch("slurm-kill-at-submit", { trials: 1, concurrent: 1, length: 40 }),
  {
    hyperparameters: {
      ...(syntheticConfig("adaptive.yaml").hyperparameters as object),
      sleep_ms: 25,
    },
  },
);

/** The jobs Slurm remembers but those of `earlier`, as "<id> <name> <state>". */
async function jobs(earlier: readonly string[] = []): Promise<string[]> {
  const out = await slurm().slurm("squeue", "--me", "-h", "-t", "all", "-o", "%i %j %T");
  const ids = new Set(earlier.map((job) => job.split(" ")[0]));
  return out
    .trim()
    .split("\n")
    .filter((job) => job && !ids.has(job.split(" ")[0]));
}

async function killedAtSubmission(when: "after" | "before") {
  await ensureSdkBuilt();
  const dataDir = await mkdtemp(join(tmpdir(), "pushtune-slurm-kill-at-submit-"));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const bin = await sbatchKillingItsCaller(dataDir, when);
  // Jobs of the file's earlier tests, still remembered (`MinJobAge`).
  const earlier = await jobs();
  const port = await freePort();
  const first = await master(dataDir, port, bin);
  const c: ApiClient = { api: (method, path, body) => first.call(method, path, body) };
  const id = await createExperiment(c, search, SYNTHETIC_DIR);
  // The first launch's sbatch kills the master.
  expect(await new Promise((done) => first.child.once("exit", (_code, sig) => done(sig)))).toBe(
    "SIGKILL",
  );
  const submitted = await jobs(earlier);
  expect(submitted).toHaveLength(when === "after" ? 1 : 0);
  await master(dataDir, port, bin);
  expect(await waitForEnd(c, id, 60)).toBe("COMPLETED");
  // The trial's end is read from its exit record, before Slurm lists its job as ended.
  const ran = await waitFor("its jobs to end", async () => {
    const now = await jobs(earlier);
    return now.some((job) => / (PENDING|RUNNING|COMPLETING)$/.test(job)) ? null : now;
  });
  const [trial] = await trialDetails(c, id);
  return { trial: trial!, submitted, ran };
}

test("a master killed just after it submitted a trial's job: its successor adopts the job, and it alone runs", async () => {
  const { trial, submitted, ran } = await killedAtSubmission("after");
  expect(ran).toHaveLength(1);
  const [jobId, name, state] = ran[0]!.split(" ");
  expect([name, state]).toEqual([`pushtune-${trial.experimentId}-${trial.id}-1`, "COMPLETED"]);
  expect(submitted[0]!.split(" ")[0]).toBe(jobId);
  expect([trial.state, trial.restarts, trial.allocations.length]).toEqual(["COMPLETED", 0, 1]);
  // The successor stored the job's id: the API names it.
  expect(trial.allocations[0]).toMatchObject({ slurmJobId: jobId });
}, 90_000);

test("a master killed just before it submitted a trial's job: its successor launches the trial again, and one job runs", async () => {
  const { trial, ran } = await killedAtSubmission("before");
  expect(ran).toHaveLength(1);
  const [jobId, name, state] = ran[0]!.split(" ");
  expect([name, state]).toEqual([`pushtune-${trial.experimentId}-${trial.id}-2`, "COMPLETED"]);
  expect([trial.state, trial.restarts, trial.allocations.length]).toEqual(["COMPLETED", 0, 2]);
  expect(trial.allocations.map((a) => a.slurmJobId ?? null)).toEqual([null, jobId]);
}, 90_000);
