import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const folder = join(import.meta.dirname, "../../src/searcher");

describe("the searcher folder", () => {
  const files = readdirSync(folder, { recursive: true, encoding: "utf8" }).filter((f) =>
    f.endsWith(".ts"),
  );

  it("has source files to check", () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files)("%s does no IO, reads no clock and no Math.random", (file) => {
    // Comments may name what the code must not use.
    const source = readFileSync(join(folder, file), "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, "");
    expect(source).not.toMatch(/from\s+["']node:/);
    expect(source).not.toMatch(/import\(\s*["']node:/);
    expect(source).not.toMatch(/\brequire\s*\(/);
    expect(source).not.toMatch(/\bDate\b/);
    expect(source).not.toMatch(/Math\.random/);
    expect(source).not.toMatch(/\bperformance\s*\./);
    expect(source).not.toMatch(/\bprocess\s*\./);
  });

  it.each(files)("%s stays under 400 lines", (file) => {
    const lines = readFileSync(join(folder, file), "utf8").split("\n").length;
    expect(lines).toBeLessThan(400);
  });
});
