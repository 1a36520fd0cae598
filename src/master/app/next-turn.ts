/**
 * Resolves after one turn of the event loop (timers, I/O). SQLite's queries
 * run on this thread and awaiting them yields to nothing but promises, so a
 * long run of them answers no other request until it takes such a turn.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
