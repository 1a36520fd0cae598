/** Error codes of a write the database's or the master's disk had no room for. */
const FULL_DISK_CODES = new Set([
  "SQLITE_FULL",
  "ENOSPC",
  "53100", // PostgreSQL's disk_full
]);

/**
 * The code of `err` when it is a write the master's own disk had no room for
 * (SQLite's SQLITE_FULL, PostgreSQL's disk_full, or a file's ENOSPC): nothing
 * of it was stored, and the same write may succeed once there is room. Else null.
 */
export function fullDiskCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && FULL_DISK_CODES.has(code) ? code : null;
}
