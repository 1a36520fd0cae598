/**
 * How every launcher cuts a trial's output into log lines: at newlines, a
 * `\r\n` like a `\n`, a line redrawn with `\r` as it last stood, and a line
 * past 64 KiB in pieces of at most that, never a character cut in two,
 * however the bytes arrive.
 */
import { expect, test } from "vitest";
import { LineSplitter, MAX_LINE_BYTES } from "../../src/master/launcher/line-splitter.js";

function split(chunks: Buffer[], end = true): { lines: string[]; splitter: LineSplitter } {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  for (const chunk of chunks) splitter.push(chunk);
  if (end) splitter.end();
  return { lines, splitter };
}

test("lines end at a newline, a \\r\\n like a \\n, and a last line without its newline is given out at the end", () => {
  const { lines } = split([Buffer.from("a\r"), Buffer.from("\nb\nlast")]);
  expect(lines).toEqual(["a", "b", "last"]);
});

test("a line redrawn with carriage returns is logged as a terminal shows it when it ends", () => {
  const bar = (p: number) => `epoch 1 ${"#".repeat(p)}${" ".repeat(100 - p)} ${p}%\r`;
  const chunks = Array.from({ length: 101 }, (_, p) => Buffer.from(bar(p)));
  const { lines, splitter } = split([...chunks.slice(0, 100)], false);
  expect(lines).toEqual([]);
  // Only the last redraw is held, however many came.
  expect(splitter.pendingBytes).toBe(Buffer.byteLength(bar(99)));
  splitter.push(Buffer.concat([chunks[100]!, Buffer.from("\nepoch 2\rdone\n")]));
  expect(lines).toEqual([bar(100).slice(0, -1), "done"]);
});

test("a character split between chunks is decoded whole", () => {
  const bytes = Buffer.from("é€\n");
  const { lines } = split([...bytes].map((b) => Buffer.from([b])));
  expect(lines).toEqual(["é€"]);
});

test("a long line is given out in pieces of at most 64 KiB, cut between characters, whatever the chunks", () => {
  // Three bytes a character, so that a cut at 64 KiB would fall inside one.
  const line = "€".repeat(MAX_LINE_BYTES);
  const bytes = Buffer.from(`${line}\nnext\n`);
  for (const size of [1000, 65_536, bytes.length]) {
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
    const { lines } = split(chunks);
    for (const piece of lines) {
      expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(MAX_LINE_BYTES);
      expect(piece.includes("\uFFFD")).toBe(false);
    }
    expect(lines.slice(0, -1).join("")).toBe(line);
    expect(lines.at(-1)).toBe("next");
  }
});

test("what it holds of a line that does not end stays under 64 KiB", () => {
  const chunk = Buffer.alloc(1024 * 1024, "x");
  const { lines, splitter } = split([chunk, chunk, chunk], false);
  expect(splitter.pendingBytes).toBeLessThanOrEqual(MAX_LINE_BYTES);
  expect(lines.join("").length + splitter.pendingBytes).toBe(3 * chunk.length);
});
