import type { MessageContent } from '../contract.ts';

/** Chinese labels of the archive's msgtypes (the room viewer's labels, extended to every type the archive has). */
export const MSGTYPE_LABELS: Readonly<Record<string, string>> = {
  text: '文本', image: '图片', voice: '语音', video: '视频', file: '文件', emotion: '表情', link: '链接', weapp: '小程序',
  card: '名片', location: '位置', chatrecord: '聊天记录', todo: '待办', vote: '投票', collect: '表单', redpacket: '红包',
  external_redpacket: '红包', meeting: '会议', docmsg: '文档', markdown: 'Markdown', news: '图文', calendar: '日程',
  mixed: '图文混排', agree: '同意存档', disagree: '拒绝存档', meeting_voice_call: '音频会议', voip_doc_share: '共享文档',
  sphfeed: '视频号', revoke: '撤回', switch: '切换企业',
};

type Payload = Record<string, unknown> | null;

const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : typeof value === 'number' ? String(value) : null);
const num = (value: unknown): number | null => {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : null;
};

/** 1.5 MB, 320 KB, 900 B — the sizes people read on the page and in exports. */
export function formatSize(bytes: number | null): string | null {
  if (bytes === null) return null;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

const joined = (...parts: Array<string | null>) => parts.filter((part): part is string => Boolean(part)).join(' · ') || null;

/** chatrecord and mixed items carry their own body as a JSON string */
function itemText(item: unknown): string | null {
  const raw = (item as { content?: unknown } | null)?.content;
  if (typeof raw !== 'string') return null;
  try {
    const parsed = JSON.parse(raw) as { content?: unknown; title?: unknown; filename?: unknown };
    return str(parsed.content) ?? str(parsed.title) ?? str(parsed.filename);
  } catch {
    return str(raw);
  }
}

function parts(msgtype: string, p: NonNullable<Payload>): { text: string | null; detail: string | null } {
  switch (msgtype) {
    case 'text':
    case 'markdown':
      return { text: str(p.content), detail: null };
    case 'image':
      return { text: null, detail: formatSize(num(p.filesize)) };
    case 'voice':
      return { text: null, detail: joined(num(p.play_length) !== null ? `${num(p.play_length)} 秒` : null, formatSize(num(p.voice_size))) };
    case 'video':
      return { text: null, detail: joined(num(p.play_length) !== null ? `${num(p.play_length)} 秒` : null, formatSize(num(p.filesize))) };
    case 'file':
    case 'voip_doc_share':
      return { text: str(p.filename), detail: formatSize(num(p.filesize)) };
    case 'emotion':
      return { text: str(p.title), detail: null };
    case 'link':
      return { text: str(p.title), detail: str(p.description) };
    case 'weapp':
      return { text: str(p.title), detail: joined(str(p.displayname), str(p.description)) };
    case 'docmsg':
      return { text: str(p.title), detail: null };
    case 'todo':
      return { text: str(p.title), detail: str(p.content) };
    case 'vote':
      return { text: str(p.votetitle), detail: Array.isArray(p.voteitem) ? p.voteitem.map(String).join(' / ') : null };
    case 'collect':
    case 'calendar':
      return { text: str(p.title), detail: str(p.creator) ?? str(p.creatorname) };
    case 'meeting':
      return { text: str(p.topic), detail: str(p.address) };
    case 'redpacket':
    case 'external_redpacket':
      return { text: str(p.wish), detail: null };
    case 'location':
      return { text: str(p.title), detail: str(p.address) };
    case 'card':
      return { text: str(p.corpname), detail: str(p.userid) };
    case 'sphfeed':
      return { text: str(p.sph_name), detail: str(p.feed_desc) };
    case 'chatrecord': {
      const items = Array.isArray(p.item) ? p.item.map(itemText).filter((line): line is string => Boolean(line)) : [];
      return { text: str(p.title), detail: items.length ? items.slice(0, 5).join('\n') : null };
    }
    case 'mixed': {
      const items = Array.isArray(p.item) ? p.item.map(itemText).filter((line): line is string => Boolean(line)) : [];
      return { text: items.join('\n') || null, detail: null };
    }
    case 'news': {
      const first = Array.isArray(p.item) ? (p.item[0] as Record<string, unknown> | undefined) : undefined;
      return { text: first ? str(first.title) : null, detail: first ? str(first.description) : null };
    }
    default:
      return { text: null, detail: null };
  }
}

/** Readable content of one archived message; recalled messages keep their text and are marked. */
export function renderMessage(msgtype: string, payload: Payload, recalled: boolean): MessageContent {
  const label = MSGTYPE_LABELS[msgtype] ?? msgtype;
  if (msgtype === 'revoke') return { type: msgtype, label, text: '撤回了一条消息', detail: null, recalled: false };
  const { text, detail } = payload ? parts(msgtype, payload) : { text: null, detail: null };
  return { type: msgtype, label, text, detail, recalled };
}

/** One line for transcripts and exports: the text, or "[图片 1.2 MB]" / "[文件] 作业.pdf". */
export function contentLine(content: MessageContent): string {
  const prefix = content.recalled ? '[已撤回] ' : '';
  if (content.type === 'text' || content.type === 'markdown') return `${prefix}${content.text ?? ''}`;
  const body = [content.text, content.type === 'chatrecord' ? null : content.detail].filter(Boolean).join(' · ');
  return `${prefix}[${content.label}]${body ? ` ${body}` : ''}`;
}
