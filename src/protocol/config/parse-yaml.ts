/**
 * YAML text → config. Kept apart from the parser itself so that code which
 * only validates objects (a trial's SDK) never loads the YAML library.
 */
import { LineCounter, parseDocument } from "yaml";
import { MAX_JSON_DEPTH } from "../json-value-issues.js";
import { type ConfigError, describeValue, type ParseResult } from "./errors.js";
import { type ParseOptions, parseExperimentConfig } from "./parse.js";
import { yamlTooDeep } from "./yaml-depth.js";
import { yamlDocumentIssues } from "./yaml-document-checks.js";
import { keyPathAt } from "./yaml-duplicate-keys.js";

/**
 * Parses YAML text, then validates it as `parseExperimentConfig` does. YAML
 * syntax errors come back as errors with path "" and the line and column in
 * the message. `<<` merge keys are allowed; a duplicate key is an error at
 * its own path.
 */
export function parseExperimentConfigYaml(text: string, options: ParseOptions = {}): ParseResult {
  const read = readYaml(text, "the config");
  return read.ok ? parseExperimentConfig(read.data, options) : read;
}

/**
 * YAML text as plain data, or what is wrong with it: syntax errors (path "",
 * with line and column), nesting deeper than MAX_JSON_DEPTH (the limit of a
 * request's JSON, aliases followed), keys that are mappings or lists, and
 * tags outside the YAML 1.2 core schema (a value the package could not
 * resolve its tag for would be read as if untagged). `what` names the
 * document in messages ("the config"). The YAML package
 * never prints a warning: what it would warn about is an error here, or
 * nothing a user needs to know.
 */
export function readYaml(
  text: string,
  what: string,
): { ok: true; data: unknown } | { ok: false; errors: ConfigError[] } {
  if (typeof text !== "string") {
    return {
      ok: false,
      errors: [{ path: "", message: `${what} must be YAML text, got ${describeValue(text)}` }],
    };
  }
  try {
    // Before the document is built: building it recurses once per level.
    const deep = yamlTooDeep(text, MAX_JSON_DEPTH);
    if (deep) {
      const message = `${what} nests mappings and lists deeper than ${MAX_JSON_DEPTH} levels at line ${deep.line}, column ${deep.col}; at most ${MAX_JSON_DEPTH} are allowed`;
      return { ok: false, errors: [{ path: "", message }] };
    }
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      merge: true,
      uniqueKeys: true,
      // !!binary, !!set, !!timestamp, … are YAML 1.1: unknown tags here, as any other.
      resolveKnownTags: false,
      logLevel: "error",
    });
    if (doc.errors.length > 0) {
      const errors = doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        const key = e.code === "DUPLICATE_KEY" ? keyPathAt(doc, e.pos[0]) : null;
        if (key !== null) {
          const message = `is written twice in one mapping (line ${line}, column ${col}); a key may appear once`;
          return { path: key, message };
        }
        const reason = e.message.split("\n")[0];
        return { path: "", message: `YAML syntax error at line ${line}, column ${col}: ${reason}` };
      });
      return { ok: false, errors };
    }
    const issues = yamlDocumentIssues(doc, lineCounter, what, MAX_JSON_DEPTH);
    if (issues.length > 0) return { ok: false, errors: issues };
    return { ok: true, data: doc.toJS({ maxAliasCount: 100 }) };
  } catch (err) {
    const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return { ok: false, errors: [{ path: "", message: `${what} is not valid YAML: ${reason}` }] };
  }
}
