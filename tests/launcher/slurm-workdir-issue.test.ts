/**
 * A Slurm pool's nodes see the experiment's workdir at the master's path (the
 * shared file system), so a workdir the master does not see is refused when
 * the experiment is created, as for local trials. Slurm itself would run the
 * job in /tmp instead (`couldn't chdir … going to /tmp instead`), where the
 * entrypoint is missing or, worse, another one.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, onTestFinished, test } from "vitest";
import { SlurmLauncher } from "../../src/master/launcher/slurm/slurm-launcher.js";

function launcher(jobsDir: string): SlurmLauncher {
  const l = new SlurmLauncher({
    slots: 1,
    jobsDir,
    runCommand: async () => ({ code: 0, stdout: JSON.stringify({ jobs: [] }), stderr: "" }),
  });
  onTestFinished(() => l.close());
  return l;
}

test("a workdir the master does not see is an issue of a Slurm pool, naming the directory", async () => {
  const base = await mkdtemp(join(tmpdir(), "pushtune-slurm-workdir-"));
  onTestFinished(() => rm(base, { recursive: true, force: true }));
  const l = launcher(join(base, "jobs"));
  const missing = join(base, "not-there");
  expect(await l.workdirIssue(missing)).toBe(
    `workdir ${missing} does not exist on the master's machine`,
  );
  const file = join(base, "train.py");
  await writeFile(file, "");
  expect(await l.workdirIssue(file)).toBe(`workdir ${file} is not a directory`);
  expect(await l.workdirIssue(base)).toBeNull();
});
