/**
 * Reading a user-named key (a metric, a hyperparameter, a file, an
 * environment variable) from a plain object: only the object's own
 * property counts, so a name such as `constructor`, `toString` or
 * `__proto__` is looked up like any other and never finds an inherited
 * member of `Object.prototype`.
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
