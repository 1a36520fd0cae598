/**
 * Reads a file that another process appends to, line by line, from a byte
 * offset: a trial's output written by a Slurm job onto a shared file system.
 * Only whole lines are taken, cut as `LineSplitter` cuts them (a line past
 * `MAX_LINE_BYTES` in pieces of that size, no character cut in two);
 * `offset` is the end of the last line or piece taken, so a reader that
 * starts again from it neither loses nor repeats a line, and a line that
 * grows without its newline (a progress bar redrawn with carriage returns for
 * a whole epoch) is not read again from its start at each read.
 */
import { open } from "node:fs/promises";
import { LineSplitter } from "../line-splitter.js";

const CHUNK = 1024 * 1024;
/**
 * How much of a job's output the launcher reads at a time, each piece once the
 * master has room for its lines: a job that wrote gigabytes since the last
 * read is not held in memory at once.
 */
export const READ_PIECE_BYTES = 4 * CHUNK;

export class FileTail {
  constructor(
    readonly path: string,
    /** Bytes of the file already read as whole lines. */
    public offset = 0,
  ) {}

  /** False when the last read stopped at its `limit` before the end of the file. */
  atEnd = true;

  /**
   * The whole lines appended since the last read, from about `limit` bytes
   * at most (whole chunks of a megabyte are read). `final`: the writer is
   * gone, so a last line without its newline is taken too, once the read
   * reaches the end of the file.
   */
  async read(final = false, limit = Number.POSITIVE_INFINITY): Promise<string[]> {
    let file: Awaited<ReturnType<typeof open>>;
    try {
      file = await open(this.path, "r");
    } catch {
      return []; // not written yet
    }
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    try {
      const start = this.offset;
      let position = start;
      this.atEnd = false;
      while (position - start < limit) {
        const chunk = Buffer.alloc(CHUNK);
        const { bytesRead } = await file.read(chunk, 0, CHUNK, position);
        if (bytesRead === 0) {
          this.atEnd = true;
          break;
        }
        position += bytesRead;
        splitter.push(chunk.subarray(0, bytesRead));
        this.offset = position - splitter.pendingBytes;
      }
      if (final && this.atEnd) {
        splitter.end();
        this.offset = position;
      }
    } finally {
      await file.close();
    }
    return lines;
  }
}
