/**
 * Where a checkpoint's files are on `shared_fs`, for the SDKs that write them
 * and the master that removes them (the Python SDK's checkpoints.py follows
 * the same layout):
 *
 *   <root>/<uuid>/                                 a published checkpoint
 *   <root>/.pushtune-staging/<allocation>/<uuid>/  one being written by that allocation
 *   <root>/.pushtune-staging/<allocation>/<uuid>.published
 *       written just before `<uuid>/` is renamed into place: the checkpoint may
 *       be published while its report has not reached the master
 *
 * A process killed while it writes a checkpoint (out of memory, a time limit,
 * a preemption that timed out) leaves its staging folder behind, and one killed
 * between publishing and reporting leaves a checkpoint no one knows of. Once
 * the allocation's process is known to have ended, the master removes the
 * published checkpoints it never registered and the whole staging folder.
 */

export const STAGING_DIR = ".pushtune-staging";
export const PUBLISHED_SUFFIX = ".published";

/** A name safe to use as one path segment: uuids, allocation ids. */
export function isPathSegment(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9-]*$/.test(name);
}
