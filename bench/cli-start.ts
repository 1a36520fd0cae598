/**
 * What a `pushtune` command costs before it does anything: the built CLI
 * (`node dist/cli/main.js`) run for `--version`, for commands that read from
 * a master (`experiment list`, `experiment describe`, `trial list`, against a
 * real master holding a few experiments) and for `preview` (local, parses a
 * config and runs the searcher), each RUNS times, interleaved, beside
 * `node -e 0` (the runtime alone). Prints each command's median wall time and
 * CPU, and its wall time against the runtime's.
 *
 *   npm run build && node --import tsx bench/cli-start.ts
 *   CLIS=dist/cli/main.js,../other/dist/cli/main.js RUNS=20 node --import tsx bench/cli-start.ts
 *
 * CLIS compares builds (another checkout's `dist/cli/main.js`) in the same
 * run: each line then shows every build, and the ratio of each to the first.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { fmt } from "./support/bench-master.js";
import { startRealMaster } from "./support/real-master.js";

const ROOT = resolve(import.meta.dirname, "..");
const RUNS = Number(process.env.RUNS ?? 10);
const CLIS = (process.env.CLIS ?? "dist/cli/main.js").split(",").map((p) => resolve(ROOT, p));

/** CPU time of this process's waited-for children, in ms (/proc/self/stat's cutime and cstime). */
function childrenCpuMs(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Runs `node args` once (not synchronously: the master answering it runs in
 * this process); its wall time and CPU in ms.
 */
async function timed(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ wall: number; cpu: number }> {
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((r) => child.once("close", r));
  const wall = performance.now() - t0;
  if (code !== 0) throw new Error(`node ${args.join(" ")} failed: ${stderr}`);
  return { wall, cpu: childrenCpuMs() - cpu0 };
}

export async function run(): Promise<Record<string, number>> {
  for (const cli of CLIS) {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  }
  const master = await startRealMaster(1);
  try {
    const workdir = join(ROOT, "examples/synthetic");
    const configPath = join(workdir, "asha.yaml");
    // Three experiments of one short trial each, left to finish: the lists have rows to show.
    for (let i = 0; i < 3; i++) {
      const { id } = await master.create(
        {
          name: `cli-start-${i}`,
          entrypoint: "node train.js",
          hyperparameters: { lr: 0.01, hidden: 32, optimizer: "adam", sleep_ms: 0 },
          searcher: { name: "single", metric: "validation_loss", max_length: { batches: 5 } },
        },
        workdir,
      );
      await master.waitForEnd(id);
    }
    const env = { ...process.env, PUSHTUNE_MASTER: master.url, PUSHTUNE_TOKEN: master.token };
    const commands: [string, string[]][] = [
      ["--version", ["--version"]],
      ["experiment list", ["experiment", "list"]],
      ["experiment describe 1", ["experiment", "describe", "1"]],
      ["trial list 1", ["trial", "list", "1"]],
      ["preview asha.yaml", ["preview", configPath]],
    ];
    const samples = new Map<string, { wall: number[]; cpu: number[] }>();
    const add = (key: string, s: { wall: number; cpu: number }) => {
      const entry = samples.get(key) ?? { wall: [], cpu: [] };
      entry.wall.push(s.wall);
      entry.cpu.push(s.cpu);
      samples.set(key, entry);
    };
    for (let i = 0; i < RUNS; i++) {
      add("node", await timed(["-e", "0"], env));
      for (const [name, args] of commands) {
        for (const cli of CLIS) add(`${name}|${cli}`, await timed([cli, ...args], env));
      }
    }
    const floor = median(samples.get("node")!.wall);
    console.log(
      `node -e 0: ${fmt(floor, 0)} ms wall, ${fmt(median(samples.get("node")!.cpu), 0)} ms CPU (median of ${RUNS})`,
    );
    const figures: Record<string, number> = { nodeMs: floor };
    for (const [name] of commands) {
      const parts = CLIS.map((cli, k) => {
        const s = samples.get(`${name}|${cli}`)!;
        const wall = median(s.wall);
        const first = median(samples.get(`${name}|${CLIS[0]}`)!.wall);
        if (k === 0) figures[name] = wall;
        const label = CLIS.length > 1 ? `${cli.replace(`${ROOT}/`, "")}: ` : "";
        const vsFirst = k > 0 ? `, ${fmt(wall / first, 2)} of the first` : "";
        return `${label}${fmt(wall, 0)} ms wall (${fmt(wall / floor, 2)}× node's), ${fmt(median(s.cpu), 0)} ms CPU${vsFirst}`;
      });
      console.log(`pushtune ${name}: ${parts.join("; ")}`);
    }
    return figures;
  } finally {
    await master.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
