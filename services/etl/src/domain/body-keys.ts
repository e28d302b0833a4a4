/**
 * Where each msgtype keeps its body in the archive plaintext (https://developer.work.weixin.qq.com/document/path/91774). Most use the msgtype itself;
 * these do not, and the original lost their bodies by assuming they did.
 */
const BODY_KEY_EXCEPTIONS: Readonly<Record<string, string>> = {
  docmsg: 'doc',
  markdown: 'info',
  news: 'info',
  external_redpacket: 'redpacket',
};

/** Top-level fields some types add beside (or instead of) their body object. */
const TOP_LEVEL_EXTRAS: Readonly<Record<string, readonly string[]>> = {
  vote: ['votetitle', 'voteitem', 'votetype', 'voteid'],
  meeting_voice_call: ['voiceid'],
  voip_doc_share: ['voipid'],
};

/** Fields every record has; whatever else an unknown type carries is its body. */
const COMMON_FIELDS = new Set(['msgid', 'action', 'from', 'tolist', 'roomid', 'msgtime', 'msgtype', 'seq', 'publickey_ver']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The body of a record as stored in `payload`: taken from the right key for every known type, with the type's
 * top-level extras merged in; for an unknown type, its own key when present, else every non-common field,
 * so no type's content is ever lost.
 */
export function extractBody(record: Record<string, unknown>, msgtype: string): Record<string, unknown> | null {
  const key = BODY_KEY_EXCEPTIONS[msgtype] ?? msgtype;
  const keyed = record[key];
  const extras = TOP_LEVEL_EXTRAS[msgtype];
  let body: Record<string, unknown> | null = isObject(keyed) ? { ...keyed } : null;
  if (extras) {
    for (const field of extras) {
      if (record[field] !== undefined) {
        body ??= {};
        body[field] = record[field];
      }
    }
  }
  if (body) return body;
  if (keyed !== undefined && keyed !== null) return { value: keyed };
  const rest: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(record)) {
    if (!COMMON_FIELDS.has(field)) rest[field] = value;
  }
  return Object.keys(rest).length > 0 ? rest : null;
}
