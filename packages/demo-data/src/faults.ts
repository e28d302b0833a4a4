import type { Rng } from './random.ts';

/**
 * Deliberately broken archive lines, as they occur in real decrypted exports. An importer must load the
 * good lines of a file whatever these do, and must treat each kind as documented here:
 *
 * - `control_char`  — a text whose content holds a raw control character (U+0001–U+001F except \n, \r) inside a
 *                     JSON string. Strict JSON.parse rejects it; the WeCom SDK's output really contains such bytes,
 *                     and the usual remedy is to drop them before parsing. **Loadable.**
 * - `tolist_string` — `tolist` given as one comma-separated string instead of an array. **Loadable** (split it).
 * - `invalid_json`  — a line cut off in the middle (an interrupted export). **Quarantined.**
 * - `missing_msgid` — a well-formed record without `msgid`: nothing to key it on. **Quarantined.**
 * - `bad_msgtime`   — `msgtime` that is not a number nor a numeric string ("", "yesterday", null). **Quarantined.**
 *
 * Not faults but format variety, present in every archive and always loadable: `msgtime` as a numeric string,
 * `filesize` as a string, `switch` records without msgtype/msgtime/from.
 */
export const FAULT_KINDS = ['control_char', 'tolist_string', 'invalid_json', 'missing_msgid', 'bad_msgtime'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const LOADABLE_FAULTS: ReadonlySet<FaultKind> = new Set(['control_char', 'tolist_string']);

export function isLoadableFault(kind: FaultKind): boolean {
  return LOADABLE_FAULTS.has(kind);
}

const CONTROL_CHARS = ['\u0001', '\u0002', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f'];
const BAD_MSGTIMES: readonly unknown[] = ['', 'yesterday', null, '17亿', 'NaN', '2025-13-45'];

/**
 * Turns a well-formed text record (already carrying its own fresh msgid and seq) into one raw broken line.
 * Only the kinds that keep a msgid reuse the record's id, so loadable faults still load under a unique key.
 */
export function faultLine(kind: FaultKind, record: Record<string, unknown>, rng: Rng): string {
  switch (kind) {
    case 'control_char': {
      const text = record.text as { content: string } | undefined;
      const content = text?.content ?? '老师好';
      const at = rng.int(content.length + 1);
      const json = JSON.stringify({ ...record, text: { content: `${content.slice(0, at)}@@CTRL@@${content.slice(at)}` } });
      return json.replace('@@CTRL@@', rng.pick(CONTROL_CHARS));
    }
    case 'tolist_string':
      return JSON.stringify({ ...record, tolist: (record.tolist as string[]).join(',') });
    case 'invalid_json': {
      const json = JSON.stringify(record);
      return json.slice(0, Math.max(10, Math.floor(json.length * (0.3 + rng.float() * 0.6))));
    }
    case 'missing_msgid': {
      const { msgid: _dropped, ...rest } = record;
      return JSON.stringify(rest);
    }
    case 'bad_msgtime':
      return JSON.stringify({ ...record, msgtime: rng.pick(BAD_MSGTIMES) });
  }
}
