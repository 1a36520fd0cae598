/**
 * A Slurm cluster of one for tests: its own munged, slurmctld and slurmd in a
 * temp dir, on free ports, with its own `SLURM_CONF` (so it touches no other
 * Slurm on the machine and several can run at once). Needs Debian's Slurm
 * packages (scripts/test-prerequisites.sh installs them as root) and root,
 * since slurmd runs jobs as their users.
 */
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { availableParallelism, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll } from "vitest";
import { type CommandRunner, execRunner } from "../../src/master/launcher/slurm/command-runner.js";

const run = promisify(execFile);

export interface SlurmCluster {
  /** The scratch dir: config, state, logs; jobs' shared directories go under it too. */
  dir: string;
  /** The environment Slurm's commands need (SLURM_CONF) on top of the test's own. */
  env: NodeJS.ProcessEnv;
  /** Runs Slurm's commands against this cluster. */
  runCommand: CommandRunner;
  /** Runs one command against this cluster and returns its stdout (throws on failure). */
  slurm(command: string, ...args: string[]): Promise<string>;
  /** Submits a short job of one CPU to "high", which preempts the jobs of "low" it needs the CPU of. */
  preemptLow(): Promise<void>;
  stop(): Promise<void>;
}

const PACKAGES = ["slurmctld", "slurmd", "slurm-client", "munge"];

/** Whether this machine can run the cluster (the tests that need it say so in their names). */
export function slurmInstalled(): boolean {
  return ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/sbin/munged"].every(
    (p) => existsSync(p),
  );
}

/** A TCP port nobody listens on now (for a master that must come back on the same address). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface SlurmClusterOptions {
  /**
   * CPUs of the node (default: this machine's). More than the machine has
   * lets jobs that mostly wait (benchmarks of bookkeeping) run side by side.
   */
  cpus?: number;
}

export async function startSlurmCluster(options: SlurmClusterOptions = {}): Promise<SlurmCluster> {
  if (!slurmInstalled())
    throw new Error(
      `Slurm is not installed: run scripts/test-prerequisites.sh as root (apt-get install ${PACKAGES.join(" ")})`,
    );
  const dir = await mkdtemp(join(tmpdir(), "pushtune-slurm-"));
  chmodSync(dir, 0o755); // munged runs as its own user and must reach its directory
  for (const sub of ["state", "spool", "log", "munge"]) mkdirSync(join(dir, sub));
  // munged runs as its own user and wants a directory of its own for its socket.
  const munge = join(dir, "munge");
  const mungeUser = execFileSync("id", ["-u", "munge"], { encoding: "utf8" }).trim();
  const mungeGroup = execFileSync("id", ["-g", "munge"], { encoding: "utf8" }).trim();
  chownSync(munge, Number(mungeUser), Number(mungeGroup));
  const socket = join(munge, "munge.socket");
  await run("runuser", [
    "-u",
    "munge",
    "--",
    "/usr/sbin/munged",
    `--socket=${socket}`,
    `--pid-file=${join(munge, "munged.pid")}`,
    `--log-file=${join(munge, "munged.log")}`,
    `--seed-file=${join(munge, "munged.seed")}`,
  ]);
  const pidOf = (file: string) => Number(readFileSync(join(dir, file), "utf8").trim() || 0);
  const pids = [pidOf("munge/munged.pid")];
  const memoryMb = Math.max(1024, Math.floor(totalmem() / 1024 / 1024) - 1024);
  const cpus = options.cpus ?? availableParallelism();
  // slurmd takes the configured CPUs rather than the machine's only when told to.
  const overrides = cpus > availableParallelism() ? "SlurmdParameters=config_overrides\n" : "";
  const conf = join(dir, "slurm.conf");
  /** Writes the config with ports free now (a test that listens meanwhile may take one). */
  const writeConf = async () => {
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    writeFileSync(
      conf,
      `ClusterName=pushtune-test
SlurmctldHost=localhost
SlurmctldPort=${ctldPort}
SlurmdPort=${slurmdPort}
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=${socket}
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool
SlurmctldPidFile=${dir}/slurmctld.pid
SlurmdPidFile=${dir}/slurmd.pid
SlurmctldLogFile=${dir}/log/slurmctld.log
SlurmdLogFile=${dir}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/none
MailProg=/bin/true
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
KillWait=1
${overrides}NodeName=localhost NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${memoryMb} State=UNKNOWN
# Jobs in "low" are cancelled for jobs in "high" (preemption); "debug" is never preempted.
PreemptType=preempt/partition_prio
PreemptMode=CANCEL
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP PreemptMode=OFF
PartitionName=low Nodes=localhost MaxTime=INFINITE State=UP PriorityTier=1 PreemptMode=CANCEL
PartitionName=high Nodes=localhost MaxTime=INFINITE State=UP PriorityTier=2 PreemptMode=OFF
`,
    );
  };
  const env = { ...process.env, SLURM_CONF: conf };
  const runCommand = execRunner(env);
  const slurm = async (command: string, ...args: string[]) =>
    (await run(command, args, { env })).stdout;
  const daemonPids = () =>
    ["slurmctld.pid", "slurmd.pid"].map((f) => {
      try {
        return pidOf(f);
      } catch {
        return 0;
      }
    });
  const stopDaemons = async () => {
    // The daemons remove their pid files as they go: read them first.
    const daemons = daemonPids();
    await run("scontrol", ["shutdown"], { env }).catch(() => {});
    for (const pid of daemons) await waitGone(pid, true);
  };
  const stop = async () => {
    // Jobs outlive the daemons (their slurmstepd goes on): cancel them first.
    await cancelAllJobs(env);
    await stopDaemons();
    for (const pid of pids) await waitGone(pid, false);
    await rm(dir, { recursive: true, force: true });
  };
  /** Starts slurmctld and slurmd; null once the node is idle, else why it is not. */
  const startDaemons = async (): Promise<string | null> => {
    await writeConf();
    await run("/usr/sbin/slurmctld", [], { env });
    await run("/usr/sbin/slurmd", ["-N", "localhost"], { env });
    for (let i = 0; i <= 300; i++) {
      const state = await slurm("sinfo", "-h", "-o", "%T").catch(() => "");
      const up = daemonPids().every((pid) => pid > 0 && signal(pid, 0));
      if (state.trim() === "idle" && up) return null;
      // A daemon that exited (it could not bind its port, say) never brings the node up.
      if (i >= 20 && !up) return `${state.trim() || "no answer"}, a daemon exited`;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return (await slurm("sinfo", "-h", "-o", "%T").catch(() => "no answer")).trim();
  };
  try {
    for (let attempt = 1; ; attempt++) {
      const notUp = await startDaemons();
      if (notUp === null) break;
      if (attempt === 3)
        throw new Error(
          `the Slurm node did not come up (${notUp}); slurmd's log ends:\n${logTail(dir, "slurmd.log")}\nslurmctld's:\n${logTail(dir, "slurmctld.log")}`,
        );
      await stopDaemons();
    }
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  const preemptLow = async () => {
    await slurm(
      "sbatch",
      "--partition=high",
      "--cpus-per-task=1",
      "--output=/dev/null",
      "--wrap",
      "sleep 1",
    );
  };
  return { dir, env, runCommand, slurm, preemptLow, stop };
}

/** The last lines of one of the cluster's logs, for an error message. */
function logTail(dir: string, file: string): string {
  try {
    return readFileSync(join(dir, "log", file), "utf8")
      .trimEnd()
      .split("\n")
      .slice(-8)
      .join("\n");
  } catch {
    return "(none)";
  }
}

/** Cancels every job of the cluster and waits (a few seconds at most) until none is left. */
export async function cancelAllJobs(env: NodeJS.ProcessEnv): Promise<void> {
  await run("scancel", ["--me"], { env }).catch(() => {});
  for (let i = 0; i < 100; i++) {
    const left = await run("squeue", ["--me", "-h", "-t", "PD,R,CG,S"], { env }).catch(() => null);
    if (left === null || left.stdout.trim() === "") return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits for `pid` to end; `gently`: it was asked to already (else it is sent SIGTERM). */
async function waitGone(pid: number, gently: boolean): Promise<void> {
  if (!pid) return;
  if (!gently) signal(pid, "SIGTERM");
  for (let i = 0; i < 100; i++) {
    if (!signal(pid, 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  signal(pid, "SIGKILL");
}

/** Sends `sig`; false when the process is gone (a zombie, whose parent does not reap it, is gone). */
function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return false;
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** A cluster for a test file: started before its tests, stopped after them. */
export function slurmClusterForFile(): () => SlurmCluster {
  let cluster: SlurmCluster | null = null;
  beforeAll(async () => {
    cluster = await startSlurmCluster();
  });
  afterEach(async () => {
    // A test that failed half-way leaves no job to hold the node's CPUs for the next.
    if (cluster) await cancelAllJobs(cluster.env);
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error("the Slurm cluster is not up");
    return cluster;
  };
}
