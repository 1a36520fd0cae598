/** What live views keep between polls: refreshed one at a time per key, bounded by weight, least recently read out first. */
import { expect, test } from "vitest";
import { RefreshedCache } from "../../src/master/app/refreshed-cache.js";

type Box = { items: number[] };
const cache = () => new RefreshedCache<number, Box>((b) => b.items.length, 10);
const grow = (n: number) => async (b: Box) => {
  b.items.push(...Array.from({ length: n }, (_, i) => i));
};

test("a kept value is refreshed, not made again; reuse false makes a new one", async () => {
  const c = cache();
  const first = await c.read(1, () => ({ items: [] }), grow(2));
  const again = await c.read(1, () => ({ items: [] }), grow(1));
  expect(again).toBe(first);
  expect(again.items.length).toBe(3);
  const fresh = await c.read(
    1,
    () => ({ items: [] }),
    grow(1),
    () => false,
  );
  expect(fresh).not.toBe(first);
  expect(c.size).toEqual({ entries: 1, weight: 1 });
});

test("over the bound the least recently read go first; one heavier than the bound is given out, not kept", async () => {
  const c = cache();
  await c.read(1, () => ({ items: [] }), grow(4));
  await c.read(2, () => ({ items: [] }), grow(4));
  await c.read(1, () => ({ items: [] }), grow(0)); // 1 is now the most recently read
  await c.read(3, () => ({ items: [] }), grow(4));
  expect(c.size).toEqual({ entries: 2, weight: 8 }); // 2 went
  const heavy = await c.read(4, () => ({ items: [] }), grow(11));
  expect(heavy.items.length).toBe(11);
  expect(c.size).toEqual({ entries: 2, weight: 8 }); // 4 not kept, and 1 and 3 stay
  c.forget(1);
  expect(c.size).toEqual({ entries: 1, weight: 4 });
});

test("reads of one key refresh one at a time; a failed refresh fails its read only", async () => {
  const c = cache();
  let running = 0;
  let most = 0;
  const slow = async (b: Box) => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 5));
    b.items.push(0);
    running--;
  };
  await Promise.all([1, 2, 3].map(() => c.read(1, () => ({ items: [] }), slow)));
  expect(most).toBe(1);
  await expect(
    c.read(
      1,
      () => ({ items: [] }),
      () => Promise.reject(new Error("store gone")),
    ),
  ).rejects.toThrow("store gone");
  expect((await c.read(1, () => ({ items: [] }), slow)).items.length).toBe(4);
});
