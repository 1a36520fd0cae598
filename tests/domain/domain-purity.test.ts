import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";

/**
 * master/domain is pure (DESIGN §1): what it decides depends only on its
 * arguments. These patterns would let IO, time or chance in.
 */
const FORBIDDEN: [string, RegExp][] = [
  ["a node: import", /from\s+["']node:|import\(\s*["']node:|require\(/],
  [
    "a Node built-in by its bare name",
    /from\s+["'](fs|path|os|child_process|http|https|net|crypto|timers)["']/,
  ],
  ["the clock", /Date\.now|new Date\b|performance\.now|process\.hrtime/],
  ["randomness", /Math\.random|crypto\.|randomUUID/],
  ["timers", /\bset(Timeout|Interval|Immediate)\b/],
  ["the process", /\bprocess\./],
  ["the console", /\bconsole\./],
  ["the network", /\bfetch\(/],
  ["an IO layer of the master", /from\s+["']\.\.\/(storage|launcher|http|app)\/(?!store\.js)/],
];

const DOMAIN = join(import.meta.dirname, "../../src/master/domain");

/** The code of a file without its comments, which may well mention "the process". */
function codeOf(file: string): string {
  return readFileSync(join(DOMAIN, file), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:])\/\/.*$/gm, "$1");
}

function sourceFiles(): string[] {
  return readdirSync(DOMAIN, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .sort();
}

test("the domain folder has source files to check", () => {
  expect(sourceFiles()).toContain("index.ts");
});

for (const file of sourceFiles()) {
  test(`${file} uses no IO, clock or randomness`, () => {
    const code = codeOf(file);
    const found = FORBIDDEN.filter(([, pattern]) => pattern.test(code)).map(([what]) => what);
    expect(found).toEqual([]);
  });
}

test("the domain imports only types from the storage layer", () => {
  for (const file of sourceFiles()) {
    for (const line of codeOf(file)
      .split("\n")
      .filter((l) => l.includes("/storage/"))) {
      expect(line, file).toMatch(/^import type /);
    }
  }
});
