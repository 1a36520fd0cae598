/**
 * A config as YAML that parses back to the same config. The parser takes `<<`
 * as a merge key (parse-yaml.ts), so a mapping key that is the text `<<` (a
 * categorical value may hold one) is written quoted, as plain data.
 */
import { Document, isScalar, Scalar, visit } from "yaml";

export function configToYaml(input: unknown): string {
  const doc = new Document(input);
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "<<") pair.key.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString();
}
