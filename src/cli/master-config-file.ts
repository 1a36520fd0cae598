/**
 * `pushtune master --config master.yaml`: the file read, checked and turned
 * into what the master runs with. Paths in it (`db` when it is a file,
 * `data_dir`, a Slurm pool's `jobs_dir`) are relative to the file's folder.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { type MasterConfig, parseMasterConfig } from "../master/config/master-config.js";
import { formatConfigErrors } from "../protocol/config/errors.js";
import { readYaml } from "../protocol/config/parse-yaml.js";
import { usageError } from "./errors.js";

export function readMasterConfigFile(file: string): MasterConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw usageError(`cannot read the master config ${file}: ${(err as Error).message}`);
  }
  const read = readYaml(text, "the master config");
  const parsed = read.ok ? parseMasterConfig(read.data) : read;
  if (!parsed.ok) throw usageError(`${file}:\n${formatConfigErrors(parsed.errors)}`);
  const dir = dirname(resolve(file));
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  const config = { ...parsed.config };
  if (config.data_dir) config.data_dir = at(config.data_dir);
  // A database URL (postgres://…, sqlite:…) is left as it is; a bare path is a SQLite file.
  if (config.db && config.db !== ":memory:" && !/^[a-z][a-z0-9+.-]*:/i.test(config.db))
    config.db = at(config.db);
  if (config.resource_pools) {
    config.resource_pools = config.resource_pools.map((p) =>
      p.launcher === "slurm" && p.jobs_dir ? { ...p, jobs_dir: at(p.jobs_dir) } : p,
    );
  }
  return config;
}
