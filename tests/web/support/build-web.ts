/**
 * Makes sure dist/web holds a build of the current src/web: builds it with
 * Vite when it is missing or older than a source file. Test files run in
 * parallel, so one builds while the others wait on a lock directory.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "vite";

const ROOT = process.cwd();
const SRC = join(ROOT, "src", "web");
const OUT = join(ROOT, "dist", "web");
const LOCK = join(ROOT, "dist", ".web-build.lock");

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function upToDate(): boolean {
  try {
    const built = statSync(join(OUT, "index.html")).mtimeMs;
    return built >= newest(SRC) && built >= statSync(join(ROOT, "package-lock.json")).mtimeMs;
  } catch {
    return false;
  }
}

export async function ensureWebBuilt(): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!upToDate()) {
    mkdirSync(join(ROOT, "dist"), { recursive: true });
    let locked = false;
    try {
      mkdirSync(LOCK);
      locked = true;
    } catch {
      // Someone else is building; a lock older than two minutes is left over from a crash.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 120_000) rmSync(LOCK, { recursive: true });
      } catch {}
    }
    if (locked) {
      try {
        if (!upToDate()) await build({ configFile: join(SRC, "vite.config.ts"), logLevel: "warn" });
      } finally {
        rmSync(LOCK, { recursive: true, force: true });
      }
      return;
    }
    if (Date.now() > deadline) throw new Error("timed out waiting for another web build");
    await new Promise((r) => setTimeout(r, 200));
  }
}
