import { extractBody } from './body-keys.ts';

/** One archive line, ready for the database. */
export interface MessageRow {
  lineNo: number;
  msgid: string;
  seq: number | null;
  action: string;
  msgtype: string;
  msgtimeMs: number;
  fromId: string | null;
  roomId: string | null;
  toIds: string[];
  payloadJson: string | null;
  rawJson: string;
  /** for revokes: the msgid of the message it recalls */
  preMsgid?: string;
  /** when another system stored it first (a legacy import); otherwise the time this load stores it */
  ingestedAtMs?: number;
}

export type LineOutcome =
  | { kind: 'row'; row: MessageRow }
  | { kind: 'quarantine'; reason: string; seq?: number | null }
  | { kind: 'blank' };

// archive times are epoch milliseconds; a value in this range of seconds is the same instant written in seconds
const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_MS = Date.UTC(2100, 0, 1);
// eslint-disable-next-line no-control-regex -- finding raw control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f]/g;
const NEEDS_STRING_REPAIR = /\\u0000|\\u[dD][89a-fA-F]/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The decrypted archive may carry raw control characters inside strings, which strict JSON forbids (silenceper/wechat
 * strips them in its msgaudit package's client_linux.go, https://github.com/silenceper/wechat); here they are
 * escaped rather than stripped, so the text keeps them.
 */
function parseLenient(line: string): { value: unknown; repaired: boolean } | { error: string } {
  try {
    return { value: JSON.parse(line), repaired: false };
  } catch (error) {
    if (!CONTROL_CHARS.test(line)) return { error: (error as Error).message };
    CONTROL_CHARS.lastIndex = 0;
    const escaped = line.replace(CONTROL_CHARS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
    try {
      return { value: JSON.parse(escaped), repaired: true };
    } catch {
      return { error: (error as Error).message };
    }
  }
}

/**
 * PostgreSQL text and jsonb cannot hold NUL or unpaired surrogates; replace them (U+FFFD) instead of losing
 * the whole message.
 */
function repairStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\uFFFD').toWellFormed();
  if (Array.isArray(value)) return value.map(repairStrings);
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[repairStrings(key) as string] = repairStrings(inner);
    return out;
  }
  return value;
}

export function parseEpochMs(value: unknown): number | null {
  let number: number;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'string' && /^\s*\d{9,16}\s*$/.test(value)) number = Number(value);
  else return null;
  if (!Number.isFinite(number)) return null;
  if (number >= MIN_MS && number < MAX_MS) return Math.trunc(number);
  if (number >= MIN_MS / 1000 && number < MAX_MS / 1000) return Math.trunc(number * 1000);
  return null;
}

function parseSeq(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return null;
}

/** `tolist` arrives as an array, or from some exporters as a string (JSON array text or comma separated). */
export function parseToList(value: unknown): string[] | null {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.filter((id): id is string => typeof id === 'string' && id !== '');
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('[')) {
      try {
        return parseToList(JSON.parse(text));
      } catch {
        return null;
      }
    }
    return text.split(/[,;\s]+/).filter((id) => id !== '');
  }
  return null;
}

function optionalId(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Turns one line of a decrypted archive into a row, or says exactly why it cannot be loaded. */
export function normaliseLine(line: string, lineNo: number): LineOutcome {
  if (line.trim() === '') return { kind: 'blank' };
  const parsed = parseLenient(line);
  if ('error' in parsed) {
    // a broken line still came from the export: its seq, when readable, keeps it from looking like a hole
    const leadingSeq = /^\s*\{\s*"seq"\s*:\s*(\d{1,15})\s*,/.exec(line)?.[1];
    return { kind: 'quarantine', reason: `不是有效的 JSON (not valid JSON: ${parsed.error})`, seq: leadingSeq ? Number(leadingSeq) : null };
  }
  let record = parsed.value;
  if (!isObject(record)) return { kind: 'quarantine', reason: '不是 JSON 对象 (not a JSON object)' };
  let repaired = parsed.repaired;
  if (NEEDS_STRING_REPAIR.test(line)) {
    record = repairStrings(record) as Record<string, unknown>;
    repaired = true;
  }
  const rec = record as Record<string, unknown>;

  const seq = parseSeq(rec.seq);
  const msgid = typeof rec.msgid === 'string' ? rec.msgid.trim() : '';
  if (!msgid) return { kind: 'quarantine', reason: '缺少 msgid (field msgid: missing or not a string)', seq };
  const rawJson = repaired ? JSON.stringify(rec) : line;

  if (rec.action === 'switch') {
    // a switch record marks a member switching corp; it has its own time and user fields and no body
    const msgtimeMs = parseEpochMs(rec.time);
    if (msgtimeMs === null) return { kind: 'quarantine', reason: `switch 记录的时间无法识别 (field time: not a usable epoch time, got ${JSON.stringify(rec.time ?? null)})`, seq };
    const user = optionalId(rec.user);
    return {
      kind: 'row',
      row: { lineNo, msgid, seq, action: 'switch', msgtype: 'switch', msgtimeMs, fromId: user, roomId: null, toIds: [],
        payloadJson: JSON.stringify({ user, time: msgtimeMs }), rawJson },
    };
  }

  const msgtype = typeof rec.msgtype === 'string' ? rec.msgtype.trim() : '';
  if (!msgtype) return { kind: 'quarantine', reason: '缺少 msgtype (field msgtype: missing or not a string)', seq };
  const msgtimeMs = parseEpochMs(rec.msgtime);
  if (msgtimeMs === null) return { kind: 'quarantine', reason: `消息时间无法识别 (field msgtime: not a usable epoch time, got ${JSON.stringify(rec.msgtime ?? null)})`, seq };
  const toIds = parseToList(rec.tolist);
  if (toIds === null) return { kind: 'quarantine', reason: '接收人列表无法识别 (field tolist: neither an array nor a list of ids)', seq };
  const action = typeof rec.action === 'string' && rec.action.trim() ? rec.action.trim() : msgtype === 'revoke' ? 'recall' : 'send';
  const body = extractBody(rec, msgtype);
  const preMsgid = msgtype === 'revoke' && typeof body?.pre_msgid === 'string' && body.pre_msgid ? body.pre_msgid : undefined;

  return {
    kind: 'row',
    row: {
      lineNo,
      msgid,
      seq,
      action,
      msgtype,
      msgtimeMs,
      fromId: optionalId(rec.from),
      // 1:1 chats: one rule everywhere, NULL (the archive writes "")
      roomId: optionalId(rec.roomid),
      toIds,
      payloadJson: body === null ? null : JSON.stringify(body),
      rawJson,
      ...(preMsgid ? { preMsgid } : {}),
    },
  };
}

/**
 * Fast path for re-imports: the msgid of a line that starts with it (exporters write seq and msgid first), read
 * without parsing the rest. Only the object's first keys are looked at, so a nested "msgid" can never match.
 */
const LEADING_MSGID = /^\s*\{\s*(?:"seq"\s*:\s*"?\d{1,20}"?\s*,\s*)?"msgid"\s*:\s*"([^"\\]{1,256})"/;
export function leadingMsgid(line: string): string | null {
  return LEADING_MSGID.exec(line)?.[1] ?? null;
}
