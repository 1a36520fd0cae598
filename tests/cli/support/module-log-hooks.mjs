/** The resolve hook of module-log.mjs (it runs on the loader's thread). */
import { appendFileSync } from "node:fs";

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.PUSHTUNE_TEST_MODULE_LOG, `${result.url}\n`);
  return result;
}
