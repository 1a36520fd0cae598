/**
 * What people know an allocation's process by, for the CLI and the web UI.
 * Free of schema code, so the web bundle can import it.
 */
import type { AllocationSummary } from "./resources.js";

/** How the CLI and the web UI name an allocation's process: "Slurm job 42", "pid 1234", or "". */
export function launcherProcess(a: Pick<AllocationSummary, "pid" | "slurmJobId">): string {
  if (a.slurmJobId !== null) return `Slurm job ${a.slurmJobId}`;
  return a.pid !== null ? `pid ${a.pid}` : "";
}
