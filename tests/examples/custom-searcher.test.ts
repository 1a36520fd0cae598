/**
 * examples/custom-searcher as a user runs it: the experiment on a real master,
 * its search process `node search.js <id>` killed with SIGKILL in the middle
 * of the search and started again. Every operation is applied once: none is
 * repeated, none is lost, and the experiment completes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "vitest";
import { ROOT } from "../e2e/support/build.js";
import { clustersClosedAfterEach, waitFor, waitForEnd } from "../e2e/support/cluster.js";
import { PYTHON, PYTHON_DIR } from "../python/interpreter.js";

const DIR = join(ROOT, "examples/custom-searcher");
const startCluster = clustersClosedAfterEach();

interface SearchProcess {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

/** `node search.js` or `python3 search.py`: the same search method in each SDK. */
const COMMANDS = {
  "search.js": [process.execPath, "search.js"],
  "search.py": [PYTHON, "search.py"],
} as const;
type Script = keyof typeof COMMANDS;

function startSearch(script: Script, url: string, token: string, id: number): SearchProcess {
  const [command, file] = COMMANDS[script];
  const child = spawn(command, [file, String(id)], {
    cwd: DIR,
    env: {
      ...process.env,
      PUSHTUNE_MASTER: url,
      PUSHTUNE_TOKEN: token,
      PYTHONPATH: PYTHON_DIR,
      PYTHONDONTWRITEBYTECODE: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let rest = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split("\n");
    rest = parts.pop()!;
    lines.push(...parts);
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      if (rest) lines.push(rest);
      if (stderr) lines.push(`stderr: ${stderr}`);
      resolve(code);
    }),
  );
  return { child, lines, exited };
}

type Op = { type: string; requestId?: number; length?: number };

for (const script of Object.keys(COMMANDS) as Script[]) {
  test(`${script} killed with SIGKILL mid-search and started again applies every operation once, and the experiment completes`, async () => {
    const c = await startCluster({ slots: 4 });
    const token = (await readFile(join(c.dataDir, "admin.token"), "utf8")).trim();
    const configYaml = await readFile(join(DIR, "experiment.yaml"), "utf8");
    const { id } = await c.api<{ id: number }>("POST", "/experiments", {
      configYaml,
      workdir: DIR,
    });

    const first = startSearch(script, c.url, token, id);
    // Killed once three trials have reported their first rung: in the middle of the search.
    await waitFor(
      "three validations seen by the first search process",
      async () =>
        first.lines.filter((l) => /^event \d+ validationCompleted/.test(l)).length >= 3
          ? true
          : null,
      120,
    );
    first.child.kill("SIGKILL");
    await first.exited;
    expect(first.lines.join("\n")).not.toContain("search over");

    const second = startSearch(script, c.url, token, id);
    expect(await second.exited, second.lines.join("\n")).toBe(0);
    expect(second.lines.some((l) => l.startsWith("replayed 1 initialOperations"))).toBe(true);
    expect(second.lines.at(-1)).toBe(`search over: experiment ${id} is COMPLETED`);
    expect(await waitForEnd(c, id)).toBe("COMPLETED");

    // What the master accepted, in answer to each event: the plan, each operation once.
    const { events } = await c.api<{ events: { operations: Op[] | null }[] }>(
      "GET",
      `/experiments/${id}/searcher/events?after=0&limit=10000`,
    );
    const ops = events.flatMap((e) => e.operations ?? []);
    const of = (type: string) => ops.filter((o) => o.type === type);
    expect(of("create").map((o) => o.requestId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const validations = of("validateAfter").map((o) => `${o.requestId}@${o.length}`);
    expect(new Set(validations).size).toBe(validations.length);
    const perLength = (n: number) => of("validateAfter").filter((o) => o.length === n).length;
    expect([perLength(32), perLength(128), perLength(256)]).toEqual([8, 4, 2]);
    expect(
      of("close")
        .map((o) => o.requestId)
        .sort((a, b) => a! - b!),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(of("shutdown")).toHaveLength(1);

    // And the trials trained exactly that: 4 to 32, 2 to 128, 2 to 256.
    const trials = await c.store.listTrials({ experimentId: id });
    const reached = await Promise.all(
      trials.map(async (t) => {
        const done = (await c.store.listTrialOps(t.id)).filter((o) => o.completed);
        return done.map((o) => o.length).join(",");
      }),
    );
    expect(reached.sort()).toEqual([
      "32",
      "32",
      "32",
      "32",
      "32,128",
      "32,128",
      "32,128,256",
      "32,128,256",
    ]);
    expect(trials.every((t) => t.state === "COMPLETED")).toBe(true);
  }, 240_000);
}

for (const script of Object.keys(COMMANDS) as Script[]) {
  test(`${script} with a trial that fails: the search goes on without it and completes, asking nothing more of it`, async () => {
    const c = await startCluster({ slots: 4 });
    const token = (await readFile(join(c.dataDir, "admin.token"), "utf8")).trim();
    // Trial 3 fails at every start (and so after its restarts): it exits before its first rung.
    const configYaml = (await readFile(join(DIR, "experiment.yaml"), "utf8")).replace(
      "entrypoint: node ../core-api/train.js",
      `entrypoint: 'if [ "$PUSHTUNE_TRIAL_ID" = 3 ]; then exit 3; fi; exec node ../core-api/train.js'`,
    );
    const { id } = await c.api<{ id: number }>("POST", "/experiments", {
      configYaml,
      workdir: DIR,
    });
    const search = startSearch(script, c.url, token, id);
    expect(await search.exited, search.lines.join("\n")).toBe(0);
    expect(search.lines.at(-1)).toBe(`search over: experiment ${id} is COMPLETED`);

    const { events } = await c.api<{
      events: { id: number; type: string; requestId?: number; operations: Op[] | null }[];
    }>("GET", `/experiments/${id}/searcher/events?after=0&limit=10000`);
    const exit = events.find((e) => e.type === "trialExitedEarly");
    expect(exit?.requestId).toBe(3);
    // Nothing is asked of the failed trial in answer to its exit or to any event after it.
    const after = events.filter((e) => e.id >= exit!.id).flatMap((e) => e.operations ?? []);
    expect(after.filter((o) => o.requestId === 3)).toEqual([]);
    const trials = await c.store.listTrials({ experimentId: id });
    expect(trials.map((t) => t.state).sort()).toEqual([...Array(7).fill("COMPLETED"), "ERROR"]);
  }, 240_000);
}

for (const script of Object.keys(COMMANDS) as Script[]) {
  test(`${script} refused by the master (a token it does not know) says why in one line and exits 1`, async () => {
    const c = await startCluster({ slots: 1 });
    const token = (await readFile(join(c.dataDir, "admin.token"), "utf8")).trim();
    const configYaml = await readFile(join(DIR, "experiment.yaml"), "utf8");
    const { id } = await c.api<{ id: number }>("POST", "/experiments", {
      configYaml,
      workdir: DIR,
    });
    const search = startSearch(script, c.url, `${token}x`, id);
    expect(await search.exited).toBe(1);
    const stderr = search.lines.find((l) => l.startsWith("stderr: "))!;
    expect(stderr.trim().split("\n")).toEqual([
      expect.stringMatching(new RegExp(`^stderr: ${script}: .*token`, "i")),
    ]);
  });
}
