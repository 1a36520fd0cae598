/**
 * Pages of stored data bounded in bytes: logs, metric rows and searcher
 * events can be large (lines of 64 KiB, rows of 200 long metric names, posts
 * of 8 MiB of hyperparameters), so a page of 10,000 of them would be too big
 * to read, to send, or even to build as one string.
 */
import { PAGE_BYTES } from "../../protocol/api/resources.js";

/**
 * A page of at most PAGE_BYTES of stored text, at least one row: `sizes` are
 * the ids and sizes of the rows a query would give, in id order; `read(after,
 * n)` reads `n` rows after id `after`. With `newest` the page keeps the last
 * rows that fit (a tail), else the first ones. Sized before it is read.
 */
export async function sizedPage<R>(
  sizes: { id: number; bytes: number }[],
  newest: boolean,
  read: (after: number, n: number) => Promise<R[]>,
): Promise<{ rows: R[]; truncated: boolean }> {
  const order = newest ? [...sizes].reverse() : sizes;
  let used = 0;
  let n = 0;
  for (const { bytes } of order) {
    used += bytes;
    if (n > 0 && used > PAGE_BYTES) break;
    n++;
  }
  const first = sizes[newest ? sizes.length - n : 0];
  const rows = first ? await read(first.id - 1, n) : [];
  return { rows, truncated: n < sizes.length };
}
