/**
 * The Slurm launcher against a real Slurm cluster of one (see
 * tests/support/slurm-cluster.ts): jobs get the trial's environment and
 * workdir without showing its token, their output arrives as log lines,
 * their ends are read as exits, and a new launcher adopts what an old one
 * left.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import type { ExitInfo, LaunchSpec } from "../../src/master/launcher/launcher.js";
import { type CommandRunner, execRunner } from "../../src/master/launcher/slurm/command-runner.js";
import {
  type SlurmHandle,
  SlurmLauncher,
  type SlurmLauncherOptions,
} from "../../src/master/launcher/slurm/slurm-launcher.js";
import { slurmClusterForFile } from "../support/slurm-cluster.js";

const cluster = slurmClusterForFile();

interface Line {
  allocationId: string;
  stream: "stdout" | "stderr";
  line: string;
}

/** A launcher on the test cluster that records what it reports. */
async function launcherWithEvents(options: Partial<SlurmLauncherOptions> = {}) {
  const c = cluster();
  const launcher = new SlurmLauncher({
    slots: 2,
    jobsDir: join(c.dir, "jobs"),
    runCommand: c.runCommand,
    ...options,
  });
  const lines: Line[] = [];
  const exits = new Map<string, ExitInfo>();
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };
  launcher.attach({
    exited: (allocationId, info) => {
      exits.set(allocationId, info);
      wake();
    },
    log: (allocationId, stream, line) => {
      lines.push({ allocationId, stream, line });
      wake();
    },
  });
  const until = <T>(what: string, probe: () => T | undefined): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; lines: ${JSON.stringify(lines)}`));
      }, 30_000);
      const check = () => {
        const value = probe();
        if (value === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(value);
      };
      waiters.add(check);
      check();
    });
  return {
    launcher,
    lines,
    exits,
    /** Resolves once allocation `id` has logged `line`. */
    line: (id: string, line: string) =>
      until(`${id} to log ${line}`, () =>
        lines.some((l) => l.allocationId === id && l.line === line) ? true : undefined,
      ),
    exit: (id: string) => until(`${id} to exit`, () => exits.get(id)),
    /** What allocation `id` wrote to stdout (Slurm itself writes notes to stderr). */
    linesOf: (id: string) =>
      lines.filter((l) => l.allocationId === id && l.stream === "stdout").map((l) => l.line),
  };
}

let next = 0;
async function spec(entrypoint: string, env: Record<string, string> = {}): Promise<LaunchSpec> {
  next += 1;
  const workdir = await mkdtemp(join(cluster().dir, "workdir-"));
  return {
    allocationId: `alloc-${next}-${Date.now()}`,
    trialId: next,
    experimentId: 7,
    workdir,
    entrypoint,
    env: { PUSHTUNE_TRIAL_RUN_ID: "2", ...env },
    slots: 1,
  };
}

/** Waits for file `name` in the job's workdir, then goes on. */
const awaitFile = (name: string) => `while [ ! -f ${name} ]; do sleep 0.1; done`;

/** A job that says when it is ready and exits 0 on SIGTERM after saying so. */
const TRAPS_TERM = `trap 'echo got TERM; exit 0' TERM; echo ready; while :; do sleep 0.1; done`;

test("a job runs in its workdir with the trial's environment, and its token is on no command line", async () => {
  const { launcher, exit, line, linesOf } = await launcherWithEvents();
  const token = `secret-${Date.now()}`;
  const s = await spec(
    `pwd; echo "token=$PUSHTUNE_TOKEN"; echo "answer=$ANSWER"; echo ready; ${awaitFile("go")}; exit 3`,
    {
      PUSHTUNE_TOKEN: token,
      ANSWER: "it's 42",
      PUSHTUNE_EXPERIMENT_CONFIG: JSON.stringify({
        resources: { slurm: { time_limit: "10", sbatch_args: ["--comment=from the experiment"] } },
      }),
    },
  );
  const handle = (await launcher.launch(s)) as SlurmHandle;
  expect(JSON.parse(JSON.stringify(handle))).toEqual(handle);
  await line(s.allocationId, "ready");
  const ps = spawnSync("ps", ["-eo", "args"], { encoding: "utf8" }).stdout;
  const squeue = await cluster().slurm("squeue", "--json");
  const shown = await cluster().slurm("scontrol", "show", "job", handle.jobId);
  expect(shown).toContain(`JobName=pushtune-7-${s.trialId}-2`);
  expect(shown).toContain("TimeLimit=00:10:00");
  expect(shown).toContain("Comment=from the experiment");
  for (const text of [ps, squeue, shown]) expect(text).not.toContain(token);
  expect(existsSync(join(handle.dir, "env"))).toBe(false); // read, then removed
  await writeFile(join(s.workdir, "go"), "");
  expect(await exit(s.allocationId)).toEqual({ exitCode: 3, signal: null, lost: false });
  expect(linesOf(s.allocationId)).toEqual([s.workdir, `token=${token}`, "answer=it's 42", "ready"]);
  await launcher.close();
});

test("a job's thread pools are sized to its CPUs unless its experiment sizes them", async () => {
  const { launcher, exit, linesOf } = await launcherWithEvents();
  const show = `echo "$OMP_NUM_THREADS $OPENBLAS_NUM_THREADS $MKL_NUM_THREADS $NUMEXPR_NUM_THREADS $VECLIB_MAXIMUM_THREADS"`;
  const two = { ...(await spec(show)), slots: 2 };
  const sized = await spec(show, { OMP_NUM_THREADS: "3", MKL_NUM_THREADS: "5" });
  const mklOnly = { ...(await spec(show, { MKL_NUM_THREADS: "5" })), slots: 2 };
  for (const s of [two, sized, mklOnly]) await launcher.launch(s);
  for (const s of [two, sized, mklOnly]) await exit(s.allocationId);
  expect(linesOf(two.allocationId)).toEqual(["2 2 2 2 2"]);
  expect(linesOf(sized.allocationId)).toEqual(["3 3 5 3 3"]);
  expect(linesOf(mklOnly.allocationId)).toEqual(["2 2 5 2 2"]);
  await launcher.close();
});

test("of the master's environment a job gets only what a trial inherits, and starts without loading a login environment", async () => {
  const runCommand = execRunner({ ...cluster().env, CLOUD_SECRET: "s3cr3t" });
  const baseEnv = { ...process.env, CLOUD_SECRET: "s3cr3t" };
  const { launcher, exit, linesOf } = await launcherWithEvents({ runCommand, baseEnv });
  const s = await spec(`echo "secret=$CLOUD_SECRET"; echo "path=$PATH"`);
  await launcher.launch(s);
  await exit(s.allocationId);
  expect(linesOf(s.allocationId)).toEqual(["secret=", `path=${process.env.PATH}`]);
  await launcher.close();
});

test("what a job writes to stdout and stderr arrives as log lines of each stream", async () => {
  const { launcher, exit, lines } = await launcherWithEvents();
  const s = await spec(`echo out; echo err >&2; printf 'no newline'`);
  await launcher.launch(s);
  expect(await exit(s.allocationId)).toMatchObject({ exitCode: 0 });
  const mine = lines.filter((l) => l.allocationId === s.allocationId);
  expect(mine).toContainEqual({ allocationId: s.allocationId, stream: "stdout", line: "out" });
  expect(mine).toContainEqual({ allocationId: s.allocationId, stream: "stderr", line: "err" });
  expect(mine).toContainEqual({
    allocationId: s.allocationId,
    stream: "stdout",
    line: "no newline",
  });
  await launcher.close();
});

test("terminate sends SIGTERM that the trial handles before it exits on its own", async () => {
  const { launcher, exit, line, linesOf } = await launcherWithEvents();
  const s = await spec(TRAPS_TERM);
  const handle = await launcher.launch(s);
  await line(s.allocationId, "ready");
  await launcher.terminate(s.allocationId, handle);
  expect(await exit(s.allocationId)).toEqual({ exitCode: 0, signal: null, lost: false });
  expect(linesOf(s.allocationId)).toEqual(["ready", "got TERM"]);
  await launcher.close();
});

test("SIGTERM reaches the program the entrypoint runs, which ends the job with its own status", async () => {
  const { launcher, exit, line, linesOf } = await launcherWithEvents();
  // A program under the entrypoint's shell (as `node train.js` is), taking its time to stop.
  const program = `trap 'sleep 0.5; echo stopped; exit 7' TERM; echo ready; while :; do sleep 0.1; done`;
  const s = await spec(`sh -c ${JSON.stringify(program)}; echo "not reached"`);
  const handle = await launcher.launch(s);
  await line(s.allocationId, "ready");
  await launcher.terminate(s.allocationId, handle);
  expect(await exit(s.allocationId)).toEqual({ exitCode: 7, signal: null, lost: false });
  expect(linesOf(s.allocationId)).toEqual(["ready", "stopped"]);
  await launcher.close();
});

test("terminating a job still queued cancels it, and it is lost rather than failed", async () => {
  const { launcher, exit } = await launcherWithEvents({ sbatchArgs: ["--begin=now+600"] });
  const s = await spec("echo never");
  const handle = (await launcher.launch(s)) as SlurmHandle;
  await launcher.terminate(s.allocationId, handle);
  expect(await exit(s.allocationId)).toEqual({ exitCode: null, signal: null, lost: true });
  expect(await cluster().slurm("scontrol", "show", "job", handle.jobId)).toContain(
    "JobState=CANCELLED",
  );
  await launcher.close();
});

test("a job Slurm refuses does not launch, and says why", async () => {
  const { launcher } = await launcherWithEvents({ partition: "no-such-partition" });
  await expect(launcher.launch(await spec("true"))).rejects.toThrow(/invalid partition/i);
  await launcher.close();
});

test("kill cancels the job, and ends it even when its trial ignores SIGTERM", async () => {
  const { launcher, exit, line } = await launcherWithEvents();
  const s = await spec(`trap 'echo got TERM' TERM; echo ready; while :; do sleep 0.1; done`);
  const handle = (await launcher.launch(s)) as SlurmHandle;
  await line(s.allocationId, "ready");
  await launcher.kill(s.allocationId, handle);
  expect(await exit(s.allocationId)).toEqual({ exitCode: null, signal: "SIGKILL", lost: false });
  expect(await cluster().slurm("scontrol", "show", "job", handle.jobId)).toContain(
    "JobState=CANCELLED",
  );
  await launcher.close();
});

test("a job the cluster signals (its time limit near, or preempted) ends as the cluster's doing", async () => {
  const { launcher, exit, line, linesOf } = await launcherWithEvents();
  const s = await spec(TRAPS_TERM);
  const handle = (await launcher.launch(s)) as SlurmHandle;
  await line(s.allocationId, "ready");
  // What `--signal=B:TERM@60` sends ahead of the time limit, from Slurm rather than the master.
  await cluster().slurm("scancel", "--batch", "--signal=TERM", handle.jobId);
  expect(await exit(s.allocationId)).toEqual({
    exitCode: 0,
    signal: null,
    lost: false,
    endedByCluster: "SIGTERM from the cluster",
  });
  expect(linesOf(s.allocationId)).toContain("got TERM");
  await launcher.close();
});

test("a job preempted by the cluster ends as the cluster's doing", async () => {
  // The job takes every CPU of the node in the preemptible partition; a job in "high" needs one.
  const { launcher, exit, line } = await launcherWithEvents({ partition: "low" });
  const s = { ...(await spec(TRAPS_TERM)), slots: availableParallelism() };
  await launcher.launch(s);
  await line(s.allocationId, "ready");
  await cluster().preemptLow();
  expect(await exit(s.allocationId)).toMatchObject({ endedByCluster: "PREEMPTED", lost: false });
  await launcher.close();
});

test("a job cancelled by someone other than the master ends as a failure of its run", async () => {
  const { launcher, exit, line } = await launcherWithEvents();
  const s = await spec(`echo ready; ${awaitFile("never")}`);
  const handle = (await launcher.launch(s)) as SlurmHandle;
  await line(s.allocationId, "ready");
  await cluster().slurm("scancel", handle.jobId);
  const ended = await exit(s.allocationId);
  expect(ended).toMatchObject({ exitCode: null, lost: false });
  expect(ended.signal).not.toBeNull();
  expect(ended.endedByCluster).toBeUndefined();
  await launcher.close();
});

test("a new launcher adopts a running job, goes on with its logs, and reads a finished one's exit", async () => {
  const first = await launcherWithEvents();
  const running = await spec(`echo before; ${awaitFile("go")}; echo after`);
  const finished = await spec(`echo ready; ${awaitFile("go")}; exit 5`);
  const runningHandle = await first.launcher.launch(running);
  const finishedHandle = (await first.launcher.launch(finished)) as SlurmHandle;
  await first.line(running.allocationId, "before");
  await first.line(finished.allocationId, "ready");
  await first.launcher.close(); // the master stops; its jobs go on
  await writeFile(join(finished.workdir, "go"), "");
  const exitRecord = join(finishedHandle.dir, "exit");
  while (!existsSync(exitRecord)) await new Promise((resolve) => setTimeout(resolve, 100));

  const second = await launcherWithEvents();
  expect(await second.launcher.recover(running.allocationId, runningHandle)).toBe("adopted");
  expect(await second.launcher.recover(finished.allocationId, finishedHandle)).toBe("adopted");
  expect(await second.exit(finished.allocationId)).toMatchObject({ exitCode: 5, lost: false });
  await writeFile(join(running.workdir, "go"), "");
  expect(await second.exit(running.allocationId)).toMatchObject({ exitCode: 0 });
  expect(second.linesOf(running.allocationId)).toEqual(["after"]);
  await second.launcher.close();
});

test("a job Slurm no longer remembers is read from its exit record, and one with none is stopped", async () => {
  const { launcher, exit } = await launcherWithEvents();
  const dir = join(cluster().dir, "jobs", "forgotten");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "exit"), "143 1\n");
  expect(await launcher.recover("forgotten", { jobId: "999999", dir })).toBe("adopted");
  expect(await exit("forgotten")).toEqual({
    exitCode: null,
    signal: "SIGTERM",
    lost: false,
    endedByCluster: "SIGTERM from the cluster",
  });
  const empty = join(cluster().dir, "jobs", "gone");
  await mkdir(empty, { recursive: true });
  expect(await launcher.recover("gone", { jobId: "999998", dir: empty })).toBe("stopped");
  await launcher.close();
});

test("a job that takes the next trial runs it as the new allocation: its later lines and exit are the new one's", async () => {
  const { launcher, exit, line, linesOf, exits } = await launcherWithEvents();
  const from = await spec(`echo first; ${awaitFile("go")}; echo second; exit 4`);
  const to = await spec("unused");
  await launcher.launch(from);
  await line(from.allocationId, "first");
  await launcher.settleOutput(from.allocationId);
  expect(launcher.handOver(from.allocationId, to)).not.toBeNull();
  await writeFile(join(from.workdir, "go"), "");
  expect(await exit(to.allocationId)).toMatchObject({ exitCode: 4 });
  expect(exits.has(from.allocationId)).toBe(false);
  expect(linesOf(from.allocationId)).toEqual(["first"]);
  expect(linesOf(to.allocationId)).toEqual(["second"]);
  await launcher.close();
});

test("squeue is asked at most once a second, however many jobs run", async () => {
  const calls: number[] = [];
  const counting: CommandRunner = (command, args, options) => {
    if (command === "squeue") calls.push(performance.now());
    return cluster().runCommand(command, args, options);
  };
  const { launcher, exit } = await launcherWithEvents({ runCommand: counting });
  const specs = await Promise.all([1, 2, 3, 4].map(() => spec("sleep 3")));
  for (const s of specs) await launcher.launch(s);
  for (const s of specs) await exit(s.allocationId);
  expect(calls.length).toBeGreaterThan(1);
  const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(990);
  await launcher.close();
});
