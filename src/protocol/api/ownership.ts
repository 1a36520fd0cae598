/**
 * Who may change an experiment (pause, cancel, fork with its secrets, drive
 * its custom search …) and read its hidden environment variables: its owner
 * or an admin. The master decides with it; the web UI offers only what it
 * allows. Free of schema code, so the web bundle can import it.
 */
export function ownsOrAdmin(user: { id: number; admin: boolean }, ownerId: number): boolean {
  return user.admin || user.id === ownerId;
}
