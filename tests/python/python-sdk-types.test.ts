/**
 * The Python SDK is typed (it ships `py.typed`): mypy in strict mode, for the
 * oldest Python it supports, finds nothing in it, so a user's own type check
 * trusts what the SDK says it takes and returns. Debian's mypy
 * (`apt-get install mypy`, which `npm test` installs where it can).
 */
import { spawnSync } from "node:child_process";
import { expect, test } from "vitest";
import { PYTHON, PYTHON_DIR } from "./interpreter.js";

test("mypy --strict finds no error in the Python SDK, for Python 3.9 and later", () => {
  const run = spawnSync(
    PYTHON,
    // No cache: the check writes nothing into the repository.
    ["-m", "mypy", "--strict", "--python-version", "3.9", "--cache-dir", "/dev/null", "pushtune"],
    { cwd: PYTHON_DIR, encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } },
  );
  const output = `${run.stdout}${run.stderr}`;
  expect(output, "is mypy installed? apt-get install mypy").not.toMatch(/No module named mypy/);
  expect(run.status, output).toBe(0);
  expect(output).toMatch(/^Success: no issues found/m);
}, 120_000);
