/**
 * The fake master's checks of request bodies against the protocol schemas.
 * Loaded on the first write the fake receives, not with the SDK: the schema
 * library is hundreds of modules, and every trial process imports the SDK.
 */
import { Value } from "typebox/value";
import {
  CheckpointBody,
  CompletedOperationBody,
  EarlyExitBody,
  MetricsBody,
  NextTrialBody,
  ProgressBody,
} from "../../protocol/api/push.js";

export const bodySchemas = {
  CheckpointBody,
  CompletedOperationBody,
  EarlyExitBody,
  MetricsBody,
  NextTrialBody,
  ProgressBody,
};

/** Up to five problems of `body` against the named schema; none when it is valid. */
export function bodyProblems(name: keyof typeof bodySchemas, body: unknown): string[] {
  const schema = bodySchemas[name];
  if (Value.Check(schema, body)) return [];
  return [...Value.Errors(schema, body)]
    .slice(0, 5)
    .map((e) => `${e.instancePath || "/"} ${e.message}`);
}
