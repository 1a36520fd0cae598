/**
 * What the Slurm benchmarks share: whether a test cluster can run here (the
 * benchmarks skip, saying why, where it cannot), and a launcher on it.
 */
import { join } from "node:path";
import type { CommandRunner } from "../../src/master/launcher/slurm/command-runner.js";
import { SlurmLauncher } from "../../src/master/launcher/slurm/slurm-launcher.js";
import { type SlurmCluster, slurmInstalled } from "../../tests/support/slurm-cluster.js";

/** Why no Slurm cluster of one can start here, or null when one can. */
export function slurmUnavailable(): string | null {
  if (!slurmInstalled())
    return "Slurm is not installed here (scripts/test-prerequisites.sh installs it, as root)";
  if (process.getuid?.() !== 0)
    return "a Slurm cluster of one needs root (slurmd runs jobs as their users)";
  return null;
}

/** A Slurm launcher of `slots` CPUs on `cluster`, its jobs' files under `dataDir`. */
export function slurmLauncherOn(
  cluster: SlurmCluster,
  slots: number,
  dataDir: string,
  runCommand: CommandRunner = cluster.runCommand,
): SlurmLauncher {
  return new SlurmLauncher({ slots, jobsDir: join(dataDir, "slurm-jobs"), runCommand });
}
