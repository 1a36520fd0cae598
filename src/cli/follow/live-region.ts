/**
 * A block of lines at the bottom of a terminal, redrawn in place: each draw
 * moves the cursor back over the previous block and clears it first. Lines
 * that wrap are counted by their visible width, escape codes excluded.
 */
import { stripAnsi } from "../format/style.js";

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
      this.rows += Math.max(1, Math.ceil(stripAnsi(line).length / width));
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
