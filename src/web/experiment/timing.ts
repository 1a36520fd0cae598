/** Times a piece of the analysis views' work as a `pushtune:<name>` performance measure (read by bench/web-experiment-page.ts). */
export function timed<T>(name: string, work: () => T): T {
  const start = performance.now();
  const out = work();
  performance.measure(`pushtune:${name}`, { start, end: performance.now() });
  return out;
}
