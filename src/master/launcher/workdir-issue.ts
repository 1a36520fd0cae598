/** Whether trials can be started in a directory of this machine. */
import { stat } from "node:fs/promises";

/** Why `workdir` cannot be a trial's working directory here, or null. */
export async function localWorkdirIssue(workdir: string): Promise<string | null> {
  try {
    const info = await stat(workdir);
    return info.isDirectory() ? null : `workdir ${workdir} is not a directory`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return `workdir ${workdir} does not exist on the master's machine`;
    return `workdir ${workdir} cannot be used: ${code ?? String(error)}`;
  }
}
