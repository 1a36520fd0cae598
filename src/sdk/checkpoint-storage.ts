/**
 * shared_fs checkpoint storage: checkpoint `<uuid>` is the directory
 * `<root>/<uuid>/`. A checkpoint is written into the allocation's staging
 * folder, synced, and renamed into place in one step; only then is it reported
 * to the master. A crash half-way leaves the staging folder behind, for the
 * master to remove once the process has ended, never a partial checkpoint
 * under its final name, and never a registered one (the layout:
 * src/protocol/checkpoint-layout.ts).
 *
 * The SDK's own steps are small metadata operations, done synchronously: each
 * costs microseconds, where a trip through libuv's thread pool costs a tenth
 * of a millisecond or more. Only the fsyncs of the tree, which take as long
 * as the files are large, run in the background (several at a time).
 */
import { randomUUID } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { open, readFile, rm } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { isPathSegment, PUBLISHED_SUFFIX, STAGING_DIR } from "../protocol/checkpoint-layout.js";

/** The file the SDK adds to every checkpoint; the rest of the directory is the user's. */
export const METADATA_FILE = "metadata.json";

export interface CheckpointMetadata {
  uuid: string;
  trialId: number;
  stepsCompleted: number;
  framework: "pushtune";
  /** Whatever the trial passed to `store`, besides `stepsCompleted`. */
  [key: string]: unknown;
}

export interface SavedCheckpoint {
  uuid: string;
  /** Every file's path relative to the checkpoint directory (always `/`-separated) → bytes. */
  resources: Record<string, number>;
  metadata: CheckpointMetadata;
}

export class CheckpointNotFoundError extends Error {
  constructor(
    readonly uuid: string,
    dir: string,
  ) {
    super(`checkpoint ${uuid} not found in ${dir}`);
    this.name = "CheckpointNotFoundError";
  }
}

/**
 * The file system refused a checkpoint (ENOSPC: its disk is full; EDQUOT,
 * EACCES, …): nothing was published or reported. `code` is the system's.
 */
export class CheckpointStoreError extends Error {
  readonly code: string;

  constructor(
    readonly uuid: string,
    root: string,
    cause: NodeJS.ErrnoException & { code: string },
  ) {
    super(`checkpoint ${uuid} could not be stored in ${root}: ${cause.message}`, { cause });
    this.name = "CheckpointStoreError";
    this.code = cause.code;
  }
}

export class SharedFsStorage {
  constructor(
    readonly root: string,
    /** Its checkpoints are written in this allocation's staging folder. */
    private readonly allocationId: string,
  ) {}

  path(uuid: string): string {
    return join(this.root, checkUuid(uuid));
  }

  /**
   * Runs `writer` on a fresh directory and publishes it atomically as a new
   * checkpoint. If `writer` throws, the temporary directory is removed and
   * nothing is published.
   */
  async save(
    info: { trialId: number; stepsCompleted: number; metadata: Record<string, unknown> },
    writer: (dir: string) => Promise<void> | void,
  ): Promise<SavedCheckpoint> {
    const uuid = randomUUID();
    if (!isPathSegment(this.allocationId))
      throw new Error(`not an allocation id: "${this.allocationId}"`);
    const tmp = join(this.root, STAGING_DIR, this.allocationId, uuid);
    const published = `${tmp}${PUBLISHED_SUFFIX}`;
    const metadata: CheckpointMetadata = {
      ...info.metadata,
      uuid,
      trialId: info.trialId,
      stepsCompleted: info.stepsCompleted,
      framework: "pushtune",
    };
    try {
      mkdirSync(tmp, { recursive: true });
      await writer(tmp);
      writeMetadata(tmp, metadata);
      const resources = await syncTree(tmp);
      // Before the rename: a process killed right after it leaves word of a checkpoint not reported.
      writeFileSync(published, "");
      renameSync(tmp, this.path(uuid));
      syncDir(this.root);
      return { uuid, resources, metadata };
    } catch (error) {
      await rm(tmp, { recursive: true, force: true });
      await rm(published, { force: true });
      throw isSystemError(error) ? new CheckpointStoreError(uuid, this.root, error) : error;
    }
  }

  async metadata(uuid: string): Promise<CheckpointMetadata> {
    const file = join(this.path(uuid), METADATA_FILE);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new CheckpointNotFoundError(uuid, this.root);
      }
      throw error;
    }
    return JSON.parse(text) as CheckpointMetadata;
  }

  /** Hands the checkpoint's directory (and its metadata) to `reader`. */
  async restore<T>(
    uuid: string,
    reader: (dir: string, metadata: CheckpointMetadata) => Promise<T> | T,
  ): Promise<T> {
    const metadata = await this.metadata(uuid);
    return reader(this.path(uuid), metadata);
  }
}

/** An error of a system call (a file the OS would not write), as Node.js reports them. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  const e = error as NodeJS.ErrnoException | null;
  return e instanceof Error && typeof e.code === "string" && typeof e.syscall === "string";
}

function writeMetadata(dir: string, metadata: CheckpointMetadata): void {
  try {
    writeFileSync(join(dir, METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`, {
      flag: "wx",
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    throw new Error(`a checkpoint writer must not create ${METADATA_FILE}: the SDK writes it`);
  }
}

function checkUuid(uuid: string): string {
  if (!isPathSegment(uuid) || uuid.length < 8 || uuid.length > 64)
    throw new Error(`not a checkpoint uuid: "${uuid}"`);
  return uuid;
}

/** How many fsyncs run at once: each holds a file descriptor meanwhile. */
const SYNC_CONCURRENCY = 32;

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A file's name in a checkpoint, when it is UTF-8: the master names a
 * checkpoint's files by their UTF-8 paths and refuses any other (Node.js would
 * read other bytes as U+FFFD, a name no file has).
 */
function utf8Name(name: Buffer, folder: string): string {
  try {
    return UTF8.decode(name);
  } catch {
    throw new Error(
      `a checkpoint's file in ${folder} has a name that is not valid UTF-8 (${JSON.stringify(name.toString("latin1"))}), which the master cannot name: rename it`,
    );
  }
}

/**
 * fsyncs every file and directory under `dir`, several at a time (the
 * filesystem then makes them durable in shared journal commits: a model file,
 * the metadata file and their directory cost about one disk round trip, not
 * three); returns the files' sizes by relative path, in path order.
 */
async function syncTree(dir: string): Promise<Record<string, number>> {
  const files: { path: string; size: number }[] = [];
  const dirs: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true, encoding: "buffer" })) {
      const full = join(current, utf8Name(entry.name, current));
      if (entry.isDirectory()) {
        walk(full);
        continue;
      }
      const info = statSync(full); // follows symlinks: the size is the content's
      if (info.isFile()) files.push({ path: full, size: info.size });
    }
    dirs.push(current); // after the directories inside it
  };
  walk(dir);
  const syncs = [
    ...files.map((f) => () => syncFile(f.path)),
    ...dirs.map((d) => () => syncDirInBackground(d)),
  ];
  for (let i = 0; i < syncs.length; i += SYNC_CONCURRENCY) {
    await Promise.all(syncs.slice(i, i + SYNC_CONCURRENCY).map((sync) => sync()));
  }
  const resources: Record<string, number> = {};
  for (const f of files.sort((a, b) => (a.path < b.path ? -1 : 1))) {
    resources[relative(dir, f.path).split(sep).join("/")] = f.size;
  }
  return resources;
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `syncDir` on libuv's thread pool, beside the files' fsyncs. */
async function syncDirInBackground(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | null = null;
  try {
    handle = await open(path, "r");
    await handle.sync();
  } catch {
    // EISDIR/EPERM/EINVAL on filesystems without directory fsync.
  } finally {
    await handle?.close();
  }
}

/** Directory fsync makes a rename durable; some filesystems refuse it, which is fine. */
function syncDir(path: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(path, "r");
    fsyncSync(fd);
  } catch {
    // EISDIR/EPERM/EINVAL on filesystems without directory fsync.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
