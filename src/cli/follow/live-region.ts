/**
 * A block of lines at the bottom of a terminal, redrawn in place: each draw
 * moves the cursor back over the previous block and clears it first. Lines
 * that wrap are counted by the rows they take, escape codes excluded and wide
 * characters (CJK, emoji) counted as two columns.
 */
import { stripAnsi } from "../format/style.js";
import { terminalRows } from "../format/width.js";

const ESC = "\u001b[";

export class LiveRegion {
  private rows = 0;
  private started = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly columns: () => number | null,
  ) {}

  draw(lines: readonly string[]): void {
    let text = this.started ? "" : `${ESC}?25l`;
    this.started = true;
    if (this.rows > 0) text += `${ESC}${this.rows}A\r${ESC}J`;
    const width = this.columns() ?? 80;
    this.rows = 0;
    for (const line of lines) {
      text += `${line}\n`;
      this.rows += terminalRows(stripAnsi(line), width);
    }
    this.write(text);
  }

  /** Leaves the last drawing on screen and gives the cursor back. */
  done(): void {
    if (this.started) this.write(`${ESC}?25h`);
    this.started = false;
    this.rows = 0;
  }
}
