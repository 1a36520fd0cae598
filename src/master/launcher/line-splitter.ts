/**
 * Cuts a trial's output, as bytes, into the lines of its logs, for every
 * launcher alike. A line is split off as bytes before it is decoded, so no
 * character is cut in two. A carriage return goes back to the line's start,
 * as on a terminal: a line is what a terminal would show of it, so a progress
 * bar redrawn with `\r` is logged once, as it last stood when its line ended,
 * not once per redraw nor as every redraw end to end. No line given out is
 * longer than `MAX_LINE_BYTES` (what one log push may carry): a longer one is
 * given out in pieces of that size, as soon as each piece is there, so a line
 * that never ends (hundreds of megabytes with no newline) holds at most one
 * piece in memory.
 */

export const MAX_LINE_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class LineSplitter {
  /** Bytes of the current line not given out yet: never more than MAX_LINE_BYTES. */
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onLine: (line: string) => void) {}

  /** Bytes taken in and not given out yet, as a whole line or a piece of one. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): void {
    const bytes = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let start = 0;
    for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, start)) {
      this.line(bytes, start, i);
      start = i + 1;
    }
    // Redrawn: what came before the last carriage return is gone (one at the very end may
    // still be the first half of a \r\n).
    const redrawn = bytes.lastIndexOf(CARRIAGE_RETURN, bytes.length - 2);
    if (redrawn >= start) start = redrawn + 1;
    start = this.pieces(bytes, start, bytes.length);
    // A copy, so that a large chunk is not kept alive by its last bytes.
    this.pending = Buffer.from(bytes.subarray(start));
  }

  /** The output ended: a last line without its newline is given out too. */
  end(): void {
    if (this.pending.length > 0) this.line(this.pending, 0, this.pending.length);
    this.pending = Buffer.alloc(0);
  }

  /**
   * Gives out `bytes[start, end)` as a line: without the `\r` of a `\r\n`,
   * and from its last carriage return on.
   */
  private line(bytes: Buffer, start: number, end: number): void {
    const stop = end > start && bytes[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
    // Searched within the line only: from its end back to the chunk's start would
    // scan the chunk again for every line in it.
    const redrawn = bytes.subarray(start, stop).lastIndexOf(CARRIAGE_RETURN);
    const from = redrawn === -1 ? start : start + redrawn + 1;
    const rest = this.pieces(bytes, from, stop);
    this.onLine(bytes.toString("utf8", rest, stop));
  }

  /**
   * Gives out pieces of `bytes[start, end)` while more than MAX_LINE_BYTES
   * are left; returns where the rest starts.
   */
  private pieces(bytes: Buffer, start: number, end: number): number {
    while (end - start > MAX_LINE_BYTES) {
      // Cut at a character's start: a UTF-8 continuation byte is 10xxxxxx, and
      // a character has at most 3 of them.
      let cut = start + MAX_LINE_BYTES;
      while (cut > start + MAX_LINE_BYTES - 3 && (bytes[cut]! & 0xc0) === 0x80) cut--;
      this.onLine(bytes.toString("utf8", start, cut));
      start = cut;
    }
    return start;
  }
}
