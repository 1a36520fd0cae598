/**
 * Runs every benchmark in bench/: each module exports `run()`, which prints
 * its figures and returns them.   npm run bench
 */
import { readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";

const folder = new URL(".", import.meta.url);
const modules = readdirSync(folder)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.endsWith(".d.ts"))
  .sort();

for (const file of modules) {
  const mod = (await import(pathToFileURL(new URL(file, folder).pathname).href)) as {
    run?: () => unknown;
  };
  if (typeof mod.run !== "function") {
    console.log(`${file}: no run() export, skipped`);
    continue;
  }
  console.log(`== ${file}`);
  await mod.run();
}
