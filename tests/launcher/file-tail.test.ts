/**
 * The reader of a Slurm job's output: whole lines, never a character cut in
 * two, and a line that grows without its newline taken in bounded pieces
 * rather than read again from its start at every read.
 */
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { MAX_LINE_BYTES } from "../../src/master/launcher/line-splitter.js";
import { FileTail, READ_PIECE_BYTES } from "../../src/master/launcher/slurm/file-tail.js";

let dir: string | null = null;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("a line without its newline is taken in pieces once it is long, and the reads go on from there", async () => {
  dir = await mkdtemp(join(tmpdir(), "pushtune-file-tail-"));
  const path = join(dir, "stdout.log");
  const tail = new FileTail(path);
  await appendFile(path, "epoch 1\n");
  expect(await tail.read()).toEqual(["epoch 1"]);
  // A progress bar redrawn with carriage returns, two bytes a character.
  const bar = "é".repeat(MAX_LINE_BYTES / 2 + 10);
  await appendFile(path, `\r${bar}`);
  const pieces = await tail.read();
  expect(pieces).toHaveLength(1);
  expect(Buffer.byteLength(pieces[0]!)).toBeLessThanOrEqual(MAX_LINE_BYTES);
  expect(pieces[0]!.includes("\uFFFD")).toBe(false);
  const before = tail.offset;
  expect(before).toBeGreaterThan(MAX_LINE_BYTES / 2);
  await appendFile(path, "\nepoch 2\n");
  const rest = await tail.read();
  // The carriage return took the line back to its start, as on a terminal.
  expect(pieces.join("") + rest[0]).toBe(bar);
  expect(rest.slice(1)).toEqual(["epoch 2"]);
});

test("a long line read at once with its newline is cut into pieces of at most 64 KiB too", async () => {
  dir = await mkdtemp(join(tmpdir(), "pushtune-file-tail-"));
  const path = join(dir, "stdout.log");
  const tail = new FileTail(path);
  const line = "x".repeat(3 * MAX_LINE_BYTES + 5);
  await appendFile(path, `${line}\nnext\n`);
  const lines = await tail.read();
  for (const piece of lines) expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(MAX_LINE_BYTES);
  expect(lines.slice(0, -1).join("")).toBe(line);
  expect(lines.at(-1)).toBe("next");
});

test("a read with a limit takes about that much and says there is more; the next reads go on from there", async () => {
  dir = await mkdtemp(join(tmpdir(), "pushtune-file-tail-"));
  const path = join(dir, "stdout.log");
  const tail = new FileTail(path);
  const lines = Array.from({ length: 600_000 }, (_, i) => `line ${i}`);
  // No newline after the last line: the writer may still be writing it.
  await appendFile(path, lines.join("\n"));
  let read: string[] = [];
  let reads = 0;
  do {
    const piece = await tail.read(true, READ_PIECE_BYTES);
    expect(Buffer.byteLength(piece.join("\n"))).toBeLessThanOrEqual(READ_PIECE_BYTES + 1024 * 1024);
    read = read.concat(piece);
    reads++;
  } while (!tail.atEnd);
  expect(reads).toBeGreaterThan(1);
  // `final` takes the last line without its newline, once the read reaches the end.
  expect(read.length).toBe(lines.length);
  expect(read.join("\n") === lines.join("\n")).toBe(true);
});
