/**
 * The Slurm pools of one master share one `squeue`: however many pools
 * follow jobs, Slurm is asked at most once a poll interval, and each pool
 * reads its own jobs from the shared answer.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import type { PoolConfig } from "../../src/master/config/master-config.js";
import type { ExitInfo } from "../../src/master/launcher/launcher.js";
import { buildResourcePools } from "../../src/master/launcher/pool-launchers.js";
import type { CommandRunner } from "../../src/master/launcher/slurm/command-runner.js";
import { launchSpec } from "./support/fake-slurm.js";

test("two Slurm pools follow their jobs with one squeue a second between them", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "pushtune-shared-queue-"));
  const calls: number[] = [];
  let nextJob = 7;
  const started = performance.now();
  const runCommand: CommandRunner = async (command) => {
    if (command === "sbatch") return { code: 0, stdout: `${nextJob++}\n`, stderr: "" };
    if (command !== "squeue") return { code: 0, stdout: "", stderr: "" };
    calls.push(performance.now());
    // Both jobs run for about 2.5 s, then Slurm calls them ended.
    const state = performance.now() - started < 2500 ? "RUNNING" : "COMPLETED";
    const jobs = [7, 8].map((job_id) => ({ job_id, job_state: state, exit_code: 0 }));
    return { code: 0, stdout: JSON.stringify({ jobs }), stderr: "" };
  };
  const pool = (name: string): PoolConfig =>
    ({ name, launcher: "slurm", slots: 1, slot_type: "cpu" }) as PoolConfig;
  const pools = buildResourcePools([pool("a"), pool("b")], {
    dataDir,
    runSlurmCommand: runCommand,
  });
  const exits = new Map<string, ExitInfo>();
  pools.attach({ exited: (id, info) => exits.set(id, info), log: () => {} });
  try {
    for (const [name, allocationId] of [
      ["a", "in-a"],
      ["b", "in-b"],
    ] as const) {
      await pools.get(name)!.launcher.launch(launchSpec(allocationId));
    }
    while (exits.size < 2) await new Promise((r) => setTimeout(r, 20));
    expect(exits.get("in-a")).toEqual({ exitCode: 0, signal: null, lost: false });
    expect(exits.get("in-b")).toEqual({ exitCode: 0, signal: null, lost: false });
    // Two pools polling on their own would ask twice a second.
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    expect(calls.length).toBeGreaterThan(1);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(990);
  } finally {
    await pools.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
