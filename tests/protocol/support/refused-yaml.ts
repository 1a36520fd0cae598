/**
 * YAML configs the config reader refuses though the `yaml` package reads
 * them, each with the one-line message that names what and where: the CLI
 * and the master must both refuse them with it.
 */
const HEAD = "entrypoint: x\nsearcher: {name: random, metric: m, max_length: 5, max_trials: 1}\n";

/** [what it holds, the config's text, the message]. */
export const REFUSED_YAML: [string, string, string][] = [
  [
    "lists nested 200,000 deep",
    `${HEAD}hyperparameters:\n  a: ${"[".repeat(200_000)}${"]".repeat(200_000)}\n`,
    "the config nests mappings and lists deeper than 32 levels at line 4, column 36; at most 32 are allowed",
  ],
  [
    "a list as a key",
    `${HEAD}hyperparameters:\n  ? [a, b]\n  : 1\n`,
    "hyperparameters: a key must be text, a number or a boolean, got a list (line 4, column 5)",
  ],
  [
    "an unknown tag",
    `${HEAD}name: !foo t\n`,
    "unknown tag !foo (line 3, column 7); only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are allowed",
  ],
  [
    "a key written twice",
    `${HEAD}name: a\nname: b\n`,
    "name: is written twice in one mapping (line 4, column 1); a key may appear once",
  ],
];
