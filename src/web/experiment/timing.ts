/**
 * Times a piece of the analysis views' work as a `pushtune:<name>`
 * performance measure (read by bench/web-experiment-page.ts); only the
 * latest of each name is kept, so a live page does not pile them up.
 */
export function timed<T>(name: string, work: () => T): T {
  const start = performance.now();
  const out = work();
  mark(name, start);
  return out;
}

/** Records `pushtune:<name>` from `start` until now, replacing the previous one. */
export function mark(name: string, start: number): void {
  performance.clearMeasures(`pushtune:${name}`);
  performance.measure(`pushtune:${name}`, { start, end: performance.now() });
}
