import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderFields, renderTable } from "../../src/cli/format/table.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { runInProcess } from "./support/fake-io.js";

const EVIL = "evil\u001b[31mRED\u001b[0m\ttab\rCR";
/** How the CLI shows it: every control character as a visible escape. */
const SHOWN = "evil\\x1b[31mRED\\x1b[0m\\ttab\\rCR";
/** In a described field a tab is spaces to the next stop of 8 (a quoted log line's indent). */
const SHOWN_IN_FIELD = "evil\\x1b[31mRED\\x1b[0m  tab\\rCR";

/**
 * Control characters that reached the output: any but the newlines ending
 * lines and the escape codes of the CLI's own colours (which never reset with 0m).
 */
function raw(text: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the CLI's own colours
  const ours = /\u001b\[(1|22|2|31|32|33|36|39)m(?!RED)/g;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: what must not get through
  const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
  return [...text.replace(ours, "")].filter((ch) => unsafe.test(ch));
}

let m: CliMaster;
let id: number;
beforeAll(async () => {
  m = await startCliMaster();
  id = await createExperiment(
    m.tm,
    {},
    {
      name: EVIL,
      description: `line one\nline\u001b[2J two`,
      hyperparameters: {
        label: { type: "categorical", vals: ["a\u0007b\u202ec", "x\u0007y"] },
      },
    },
  );
});
afterAll(async () => m.close());

describe("control characters in names and values are shown escaped, never sent to the terminal", () => {
  it("in table cells and headers", () => {
    const lines = renderTable(
      [{ name: EVIL }],
      [{ header: "NAME\u001b[1m", value: (r: { name: string }) => r.name }],
      { width: null },
    );
    expect(lines).toEqual(["NAME\\x1b[1m", SHOWN]);
  });

  it("in described fields", () => {
    expect(renderFields([["name", EVIL]])).toEqual([`name  ${SHOWN_IN_FIELD}`]);
    expect(renderFields([["log", "\tat main\nab\tc"]])).toEqual([
      "log          at main",
      "     ab      c",
    ]);
  });

  it("in a described value of several lines, shown line by line under its first", () => {
    expect(
      renderFields([
        ["id", "1"],
        ["reason", `crashed:\n${EVIL}\n  last`],
      ]),
    ).toEqual(["id      1", "reason  crashed:", `        ${SHOWN_IN_FIELD}`, "          last"]);
  });

  it.each([
    ["experiment list", () => ["experiment", "list"], SHOWN],
    ["experiment describe", () => ["experiment", "describe", String(id)], SHOWN_IN_FIELD],
    ["trial list", () => ["trial", "list", String(id)], null],
  ])("%s", async (_, args, name) => {
    for (const isTTY of [false, true]) {
      const r = await runInProcess(args(), { env: m.env, isTTY, columns: isTTY ? 200 : null });
      expect(r.code).toBe(0);
      expect(raw(r.stdout)).toEqual([]);
      if (name !== null) expect(r.stdout).toContain(name);
    }
  });

  it("hyperparameter values", async () => {
    const r = await runInProcess(["trial", "list", String(id)], { env: m.env });
    expect(r.stdout).toMatch(/label=(a\\x07b\\u202ec|x\\x07y)/);
  });

  it("in error messages that quote what was given", async () => {
    const r = await runInProcess(["trial", "describe", "\u001b[2J7"], { env: m.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('pushtune: trial id must be a positive integer, got "\\x1b[2J7"\n');
  });
});
