/**
 * The Python SDK's own unit tests (`python/tests`, the standard library's
 * unittest), run by `npm test`: every Python test (and every case of a table
 * test) is one test here. They run under Debian's Python (the interpreter
 * that runs the examples' trials) and under the oldest Python the package
 * supports, 3.9, where this machine has one.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { PYTHON, PYTHON_DIR } from "./interpreter.js";

interface Row {
  id: string;
  outcome: "passed" | "failed" | "skipped";
  detail: string;
}

const OLDEST_SUPPORTED = "/root/.pyenv/versions/3.9.18/bin/python3";

async function runUnitTests(
  python: string,
): Promise<{ rows: Row[]; stderr: string; code: number | null }> {
  const child = spawn(python, ["tests/run_json.py"], {
    cwd: PYTHON_DIR,
    env: { ...process.env, PYTHONPATH: PYTHON_DIR, PYTHONDONTWRITEBYTECODE: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const rows = stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Row);
  return { rows, stderr, code };
}

const interpreters: [string, string][] = [[`Debian's Python (${PYTHON})`, PYTHON]];
if (existsSync(OLDEST_SUPPORTED)) interpreters.push(["Python 3.9", OLDEST_SUPPORTED]);

// Both at once: each spends most of its time waiting (timers, child processes).
const runs = await Promise.all(interpreters.map(([, python]) => runUnitTests(python)));

for (const [i, [name]] of interpreters.entries()) {
  const run = runs[i] as Awaited<ReturnType<typeof runUnitTests>>;
  describe(`the Python SDK's unit tests on ${name}`, () => {
    test("the runner ran and found the tests", () => {
      expect(run.code, run.stderr.slice(-4000)).toBe(0);
      expect(run.rows.length).toBeGreaterThan(50);
    });
    for (const row of run.rows) {
      const title = row.id.replace(/^tests\./, "");
      if (row.outcome === "skipped") test.skip(`${title} (${row.detail})`, () => {});
      else
        test(title, () => {
          if (row.outcome === "failed") throw new Error(row.detail);
        });
    }
  });
}
