/**
 * A config (plain JSON data) as YAML that reads like a hand-written one and
 * parses back to the same config: the CLI's `experiment config` and the web
 * UI's config page both write it. No YAML library: the web bundle imports
 * this. A string that is not plainly a word (a number, `true`, `yes`, `~`,
 * text with `:` or `#`, or the key `<<`, which the parser takes as a merge key,
 * parse-yaml.ts) is written double-quoted as JSON, whose escapes YAML shares.
 */

const PLAIN = /^[A-Za-z_][\w.\-/ ]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|~)$/i;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string")
    return PLAIN.test(v) && !RESERVED.test(v) && v.trim() === v ? v : JSON.stringify(v);
  return String(v);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function inline(v: unknown): string | null {
  if (Array.isArray(v))
    return v.every((x) => !isObject(x) && !Array.isArray(x))
      ? `[${v.map(scalar).join(", ")}]`
      : null;
  if (isObject(v)) return Object.keys(v).length === 0 ? "{}" : null;
  return scalar(v);
}

export function configToYaml(value: unknown, indent = ""): string {
  if (!isObject(value) && !Array.isArray(value)) return `${indent}${scalar(value)}\n`;
  // An empty or flat document stays on one line ({} or [a, b]).
  const whole = indent === "" ? inline(value) : null;
  if (whole !== null) return `${whole}\n`;
  let out = "";
  const entries: [string | null, unknown][] = Array.isArray(value)
    ? value.map((v) => [null, v])
    : Object.entries(value);
  for (const [key, v] of entries) {
    const head = key === null ? `${indent}- ` : `${indent}${scalar(key)}:`;
    const one = inline(v);
    if (one !== null) out += `${head}${key === null ? "" : " "}${one}\n`;
    else out += `${head}\n${configToYaml(v, `${indent}  `)}`;
  }
  return out;
}
