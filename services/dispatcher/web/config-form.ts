/**
 * The 配置 tab's form works on a draft copy of a key's value: fields read and write it by path, the confirm step lists
 * what the save changes, and the server's problems (`value.<path>`, from its zod schema) are shown under the field
 * they name.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Path = ReadonlyArray<string | number>;

export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value ?? null)) as T;

export function getAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

/**
 * Writes `value` at `path`, making the objects on the way; `undefined` removes the key (an optional limit left
 * empty, e.g. no daily cap) and then any object below the top level it leaves empty, so the draft holds only what
 * was set.
 */
export function setAt(root: Record<string, unknown>, path: Path, value: unknown): void {
  const parents: Array<Record<string | number, unknown>> = [];
  let node = root as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) {
    if (node[part] === null || typeof node[part] !== 'object') {
      if (value === undefined) return;
      node[part] = {};
    }
    parents.push(node);
    node = node[part] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value !== undefined) {
    node[last] = value;
    return;
  }
  if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
  // a top-level key stays (the schema may require it, as `limits.channels`); emptied objects below it go
  for (let i = parents.length - 1; i >= 1; i -= 1) {
    const child = parents[i]![path[i]!] as object;
    if (Array.isArray(child) || Object.keys(child).length > 0) break;
    delete parents[i]![path[i]!];
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function leaves(value: unknown, prefix: string, into: Map<string, string>): Map<string, string> {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leaves(child, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into.set(prefix, value === undefined ? '—' : JSON.stringify(value));
  }
  return into;
}

export interface Change { path: string; before: string; after: string }

/** Every leaf the save would change (arrays compared whole: a rate window list reads better as one line). */
export function diffValues(before: unknown, after: unknown): Change[] {
  const was = leaves(before, '', new Map());
  const will = leaves(after, '', new Map());
  const paths = [...new Set([...was.keys(), ...will.keys()])].sort();
  return paths.flatMap((path) => {
    const a = was.get(path) ?? '—';
    const b = will.get(path) ?? '—';
    return a === b ? [] : [{ path: path || '(整个值)', before: a, after: b }];
  });
}

/** The server's problems by path inside the value (`value.channels.sms.dailyCap` → `channels.sms.dailyCap`). */
export function problemsByPath(details: ReadonlyArray<{ field?: string; message: string }>): Record<string, string> {
  const byPath: Record<string, string> = {};
  for (const detail of details) {
    const path = (detail.field ?? '').replace(/^value\.?/u, '');
    byPath[path] = byPath[path] ? `${byPath[path]}；${detail.message}` : detail.message;
  }
  return byPath;
}
