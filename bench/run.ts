/**
 * Runs every benchmark in bench/: each module exports `run()`, which prints
 * its figures and returns them.   npm run bench
 * BENCH=a,b runs only bench/a.ts and bench/b.ts:   BENCH=search-efficiency npm run bench
 */
import { readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";

const folder = new URL(".", import.meta.url);
const only = process.env.BENCH?.split(",").map((name) => `${name.trim()}.ts`);
const modules = readdirSync(folder)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.endsWith(".d.ts"))
  .filter((f) => only === undefined || only.includes(f))
  .sort();
const unknown = only?.filter((f) => !modules.includes(f)) ?? [];
if (unknown.length > 0)
  throw new Error(`BENCH names no benchmark in bench/: ${unknown.join(", ")}`);

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
