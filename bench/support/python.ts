/** The Python the Python benchmarks' trials run on, and the SDK they import (this repository's). */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";
export const PYTHON_SDK = join(resolve(import.meta.dirname, "../.."), "python");

/** Throws, saying what to do, when there is no Python to run the trials. */
export function requirePython(): void {
  if (!existsSync(PYTHON)) {
    throw new Error(
      `the trials run on ${PYTHON}, which is missing: install Python 3 or set PYTHON`,
    );
  }
}
