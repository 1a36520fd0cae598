/**
 * Every entry point package.json exports resolves to a built module with the
 * names a user imports from it.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { ensureSdkBuilt, ROOT } from "../e2e/support/build.js";

const NAMES: Record<string, string[]> = {
  ".": ["init", "trials", "Trainer", "FakeMaster"],
  "./searcher": ["previewSearch"],
  "./protocol": ["parseExperimentConfig", "OperationResponse"],
};

test("each export of the package loads, with its main names", async () => {
  await ensureSdkBuilt();
  const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
    exports: Record<string, unknown>;
  };
  expect(Object.keys(pkg.exports).sort()).toEqual(Object.keys(NAMES).sort());
  for (const [path, names] of Object.entries(NAMES)) {
    const specifier = path === "." ? "pushtune" : `pushtune/${path.slice(2)}`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `console.log(JSON.stringify(Object.keys(await import("${specifier}"))))`,
      ],
      { cwd: ROOT },
    );
    expect(JSON.parse(stdout), specifier).toEqual(expect.arrayContaining(names));
  }
});
