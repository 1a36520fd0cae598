/**
 * The master's load on Slurm per running job: JOBS (default 100) jobs run
 * side by side through the Slurm launcher (every Slurm call of the master
 * goes through it), and the calls it makes are counted through its
 * CommandRunner over MEASURE_SECONDS (default 60) once all of them run. Aim: one
 * `squeue` for all jobs at a time, at most one a second (60 a minute),
 * whatever the number of jobs. Runs on a Slurm cluster of one whose node
 * offers a CPU per job (the jobs only sleep); skips, saying why, where Slurm
 * is not installed or not run as root.
 *
 *   node --import tsx bench/slurm-poll-load.ts
 *   JOBS=100 MEASURE_SECONDS=60 node --import tsx bench/slurm-poll-load.ts
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LaunchSpec } from "../src/master/launcher/launcher.js";
import type { CommandRunner } from "../src/master/launcher/slurm/command-runner.js";
import { startSlurmCluster } from "../tests/support/slurm-cluster.js";
import { fmt } from "./support/bench-master.js";
import { slurmLauncherOn, slurmUnavailable } from "./support/slurm.js";

export async function run(): Promise<Record<string, number>> {
  const why = slurmUnavailable();
  if (why !== null) {
    console.log(`skipped: ${why}`);
    return {};
  }
  const jobs = Number(process.env.JOBS ?? 100);
  const seconds = Number(process.env.MEASURE_SECONDS ?? 60);
  const cluster = await startSlurmCluster({ cpus: jobs });
  const dataDir = await mkdtemp(join(cluster.dir, "bench-"));
  let calls: string[] = [];
  const counting: CommandRunner = (command, args, options) => {
    calls.push(command);
    return cluster.runCommand(command, args, options);
  };
  const launcher = slurmLauncherOn(cluster, jobs, dataDir, counting);
  const ended = new Set<string>();
  launcher.attach({ exited: (id) => ended.add(id), log: () => {} });
  try {
    const workdir = join(dataDir, "workdir");
    await mkdir(workdir);
    const specs: LaunchSpec[] = Array.from({ length: jobs }, (_, i) => ({
      allocationId: `bench-${i}`,
      trialId: i + 1,
      experimentId: 1,
      workdir,
      entrypoint: `sleep ${seconds + 120}`,
      env: {},
      slots: 1,
    }));
    for (const spec of specs) await launcher.launch(spec);
    for (;;) {
      const running = await cluster.slurm("squeue", "--me", "-h", "-t", "R", "-o", "%i");
      if (running.trim().split("\n").filter(Boolean).length >= jobs) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    calls = [];
    const started = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const window = (Date.now() - started) / 60_000;
    const counted = calls;
    const byCommand = new Map<string, number>();
    for (const c of counted) byCommand.set(c, (byCommand.get(c) ?? 0) + 1);
    const perMinute = counted.length / window;
    const squeue = (byCommand.get("squeue") ?? 0) / window;
    console.log(
      `${jobs} running jobs, ${fmt(seconds, 0)} s: the master made ${fmt(perMinute, 1)} Slurm calls a minute ` +
        `(${[...byCommand].map(([c, n]) => `${c} ${fmt(n / window, 1)}`).join(", ") || "none"}); ` +
        `${fmt(perMinute / jobs, 2)} per job a minute (aim: one squeue for all jobs, at most 60 a minute)`,
    );
    if (ended.size > 0) console.log(`  (${ended.size} jobs ended early)`);
    return { jobs, callsPerMinute: perMinute, squeuePerMinute: squeue };
  } finally {
    // The jobs are cancelled all at once with the cluster.
    await launcher.close();
    await cluster.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
