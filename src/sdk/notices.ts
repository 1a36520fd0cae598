/** Where the SDK's notices go unless the caller's `log` option says otherwise: a line on stderr. */
export function stderrLine(line: string): void {
  process.stderr.write(`${line}\n`);
}
