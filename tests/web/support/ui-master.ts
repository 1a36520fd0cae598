/** An in-process master listening on a real port, with the built UI, for browser tests. */
import { startTestMaster, type TestMaster } from "../../master/support/harness.js";
import { ensureWebBuilt } from "./build-web.js";

export interface UiMaster extends TestMaster {
  url: string;
}

export async function startUiMaster(
  options: Parameters<typeof startTestMaster>[0] = {},
): Promise<UiMaster> {
  await ensureWebBuilt();
  const tm = await startTestMaster(options);
  await tm.app.listen({ host: "127.0.0.1", port: 0 });
  const address = tm.app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return Object.assign(tm, { url: `http://127.0.0.1:${port}/` });
}
