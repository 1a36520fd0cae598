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

export class FileTail {
  constructor(
    readonly path: string,
    /** Bytes of the file already read as whole lines. */
    public offset = 0,
  ) {}

  /**
   * The whole lines appended since the last read. `final`: the writer is
   * gone, so a last line without its newline is taken too.
   */
  async read(final = false): Promise<string[]> {
    let file: Awaited<ReturnType<typeof open>>;
    try {
      file = await open(this.path, "r");
    } catch {
      return []; // not written yet
    }
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    try {
      let position = this.offset;
      for (;;) {
        const chunk = Buffer.alloc(CHUNK);
        const { bytesRead } = await file.read(chunk, 0, CHUNK, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        splitter.push(chunk.subarray(0, bytesRead));
        this.offset = position - splitter.pendingBytes;
      }
      if (final) {
        splitter.end();
        this.offset = position;
      }
    } finally {
      await file.close();
    }
    return lines;
  }
}
