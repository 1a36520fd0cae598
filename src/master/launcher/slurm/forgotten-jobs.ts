/**
 * The directories of jobs whose experiment was deleted while they ran
 * (marked `forgotten` in their directory, `job-files.ts`): they go once the
 * job has ended, by the master that follows it or by the next one.
 */
import { existsSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { jobFiles, readExitRecord } from "./job-files.js";

/**
 * Removes the directories under `jobsDir` of forgotten jobs that have ended
 * (their exit record is there): an earlier master stopped before they ended,
 * and no master follows them.
 */
export async function sweepForgottenJobs(jobsDir: string): Promise<void> {
  const names = await readdir(jobsDir).catch(() => [] as string[]);
  for (const name of names) {
    const files = jobFiles(join(jobsDir, name));
    if (!existsSync(files.forgotten) || !(await readExitRecord(files).catch(() => null))) continue;
    await rm(files.dir, { recursive: true, force: true }).catch(() => {});
  }
}
