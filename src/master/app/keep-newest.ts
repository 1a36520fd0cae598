/** Deletes `map`'s oldest entries (in insertion order) until it holds at most `n`: a bounded cache. */
export function keepNewest<K, V>(map: Map<K, V>, n: number): void {
  for (const key of map.keys()) {
    if (map.size <= n) return;
    map.delete(key);
  }
}
