/**
 * How a test starts `pushtune` in a child process: the built CLI (`node
 * dist/cli/main.js`, as `npm test` builds first) when the build is current,
 * else the sources through tsx (the build is missing or older than them).
 */
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
/** tsx by absolute URL, so the child may run in any working directory. */
export const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Node's arguments that start the CLI: the build when it is current, else the sources. */
export const CLI: string[] = (() => {
  const built = join(REPO, "dist/cli/main.js");
  try {
    if (statSync(built).mtimeMs >= newestSource(join(REPO, "src"))) return [built];
  } catch {
    // not built
  }
  return ["--import", TSX, `${REPO}src/cli/main.ts`];
})();
