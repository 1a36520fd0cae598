/**
 * Trials import the SDK as `pushtune`, which resolves to the built
 * `dist/sdk-bundle/index.js`. `npm test` builds before it runs the tests; a direct
 * `vitest run tests/e2e` builds here when dist is missing or older than the
 * sources it comes from. Test files run in parallel: one builds, the others
 * wait on a lock directory.
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, rmdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

export const ROOT = resolve(import.meta.dirname, "../../..");
export const SYNTHETIC_DIR = join(ROOT, "examples/synthetic");
export const CORE_API_DIR = join(ROOT, "examples/core-api");

const BUILT = join(ROOT, "dist/sdk-bundle/index.js");
const SOURCES = ["src/sdk", "src/protocol"].map((d) => join(ROOT, d));
const LOCK = join(ROOT, "dist/.e2e-build-lock");

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const { mtimeMs } = await stat(join(entry.parentPath, entry.name));
    newest = Math.max(newest, mtimeMs);
  }
  return newest;
}

async function isFresh(): Promise<boolean> {
  const built = await stat(BUILT).catch(() => null);
  if (!built) return false;
  const newest = Math.max(...(await Promise.all(SOURCES.map(newestSource))));
  return built.mtimeMs >= newest;
}

export async function ensureSdkBuilt(): Promise<void> {
  if (await isFresh()) return;
  await mkdir(join(ROOT, "dist"), { recursive: true });
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      // A lock left by a run that died is stale after a few minutes.
      const lock = await stat(LOCK).catch(() => null);
      if (lock && Date.now() - lock.mtimeMs > 180_000) await rmdir(LOCK).catch(() => {});
      await new Promise((r) => setTimeout(r, 200));
      if (await isFresh()) return;
    }
  }
  try {
    if (!(await isFresh())) {
      await promisify(execFile)("npm", ["run", "build"], { cwd: ROOT });
    }
  } finally {
    await rmdir(LOCK);
  }
}
