/**
 * Reads a file that another process appends to, line by line, from a byte
 * offset: a trial's output written by a Slurm job onto a shared file system.
 * Only whole lines are taken (a line is split into bytes before it is decoded,
 * so no character is cut in two); `offset` is the end of the last whole line,
 * so a reader that starts again from it neither loses nor repeats a line. A
 * line that grows past `MAX_LINE_BYTES` without its newline (a progress bar
 * redrawn with carriage returns for a whole epoch) is taken as it stands, so
 * that each read does not read it again from its start.
 */
import { open } from "node:fs/promises";

const CHUNK = 1024 * 1024;
const NEWLINE = 0x0a;
export const MAX_LINE_BYTES = 64 * 1024;

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
    try {
      let pending = Buffer.alloc(0);
      let position = this.offset;
      for (;;) {
        const chunk = Buffer.alloc(CHUNK);
        const { bytesRead } = await file.read(chunk, 0, CHUNK, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        pending = Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
        let start = 0;
        for (let i = pending.indexOf(NEWLINE); i !== -1; i = pending.indexOf(NEWLINE, start)) {
          lines.push(decodeLine(pending.subarray(start, i)));
          start = i + 1;
        }
        this.offset += start;
        pending = pending.subarray(start);
        if (pending.length > MAX_LINE_BYTES) {
          // Cut at a character's start: a UTF-8 continuation byte is 10xxxxxx.
          let cut = MAX_LINE_BYTES;
          while (cut > 0 && (pending[cut]! & 0xc0) === 0x80) cut--;
          lines.push(decodeLine(pending.subarray(0, cut)));
          this.offset += cut;
          pending = pending.subarray(cut);
        }
      }
      if (final && pending.length > 0) {
        lines.push(decodeLine(pending));
        this.offset += pending.length;
      }
    } finally {
      await file.close();
    }
    return lines;
  }
}

function decodeLine(bytes: Buffer): string {
  const text = bytes.toString("utf8");
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}
