/** `mkdir -p` for a directory the CLI writes into, failing with one line a person can act on. */
import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { CliError } from "./errors.js";

/**
 * Creates `dir` and its missing parents; `purpose` opens the error
 * ("cannot download into /x: …"). Walks the parents itself rather than using
 * `mkdir(dir, {recursive: true})`, which never returns on Node 20 where a
 * parent exists yet its child is "not found" (anything under /proc).
 */
export async function makeDirectory(dir: string, purpose: string, mode?: number): Promise<void> {
  try {
    await makeParents(dir, mode);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const what = e.code === "EEXIST" ? `${e.path ?? dir} exists and is not a directory` : e.message;
    throw new CliError(`${purpose} ${dir}: ${what}`);
  }
}

async function makeParents(dir: string, mode: number | undefined): Promise<void> {
  const made = await makeOne(dir, mode);
  if (made !== "ENOENT") return;
  const parent = dirname(dir);
  if (parent === dir) throw Object.assign(new Error(`ENOENT: ${dir}`), { code: "ENOENT" });
  await makeParents(parent, mode);
  // The parent is there now: a second "not found" is final.
  const again = await makeOne(dir, mode);
  if (again === "ENOENT")
    throw Object.assign(new Error(`cannot create a directory there (ENOENT)`), { code: "ENOENT" });
}

/** Creates one directory; "ENOENT" when its parent is missing, an error for anything else. */
async function makeOne(dir: string, mode: number | undefined): Promise<"done" | "ENOENT"> {
  try {
    await mkdir(dir, mode === undefined ? {} : { mode });
    return "done";
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ENOENT") return "ENOENT";
    if (e.code === "EEXIST" && (await stat(dir)).isDirectory()) return "done";
    throw err;
  }
}
