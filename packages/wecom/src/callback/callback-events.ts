import { z } from 'zod';
import { definedOnly } from '../api/parse-answer.ts';
import { WecomCallbackError } from './callback-error.ts';
import { parseXmlFields, textField, type XmlFields } from './callback-xml.ts';

/**
 * The decrypted customer-contact events (spec §1.10; WeCom's event pages 92130 客户变更, 92277 客户群变更, 92117
 * 标签变更 under https://developer.work.weixin.qq.com/document/path/). Staff actions in the WeCom client are their only
 * source: API calls never raise them.
 */
export interface EventHeader {
  /** the corp id */
  toUserName: string;
  /** always "sys" for these events, which is why it cannot be part of a dedupe key (spec/peer-lessons.md) */
  fromUserName: string;
  /** unix seconds */
  createTime: number;
}

export type ContactChange =
  | { changeType: 'add_external_contact' | 'add_half_external_contact'; userId: string; externalUserId: string; state: string; welcomeCode: string }
  | { changeType: 'edit_external_contact' | 'del_follow_user'; userId: string; externalUserId: string }
  /** `source` is `DELETE_BY_TRANSFER` when the member's customer was moved to a colleague */
  | { changeType: 'del_external_contact'; userId: string; externalUserId: string; source?: string }
  | { changeType: 'transfer_fail'; userId: string; externalUserId: string; failReason: string };

export type ChatChange =
  | { changeType: 'create' | 'dismiss'; chatId: string }
  | {
    changeType: 'update';
    chatId: string;
    /** add_member | del_member | change_owner | change_name | change_notice */
    updateDetail: string;
    /** add_member only: 0 invited by a member (directly or by link), 3 scanned the group QR code */
    joinScene?: number;
    /** del_member only: 0 left by themselves, 1 removed by the owner or an admin */
    quitScene?: number;
    /** add_member / del_member: how many members changed */
    memChangeCnt?: number;
    /** newer deliveries list who changed (`<MemChangeList><Item>…`) */
    memChangeList?: string[];
  };

export type TagChange =
  | { changeType: 'create' | 'update' | 'delete'; id: string; tagType: 'tag' | 'tag_group'; strategyId?: string }
  /** `id` is the tag group whose tags were reordered, "" when the groups themselves were */
  | { changeType: 'shuffle'; id: string; strategyId?: string };

export type CallbackEvent =
  | (EventHeader & { kind: 'change_external_contact' } & ContactChange)
  | (EventHeader & { kind: 'change_external_chat' } & ChatChange)
  | (EventHeader & { kind: 'change_external_tag' } & TagChange)
  /** any other message or event: kept whole for the inbox, never refused (refusing makes WeCom retry for nothing) */
  | { kind: 'unknown'; event: string; changeType: string; raw: string };

const text = z.string();
const optionalText = z.string().optional();
const count = z.string().regex(/^\d+$/).transform(Number);

const contactShapes = {
  add_external_contact: z.object({ UserID: text, ExternalUserID: text, State: text.default(''), WelcomeCode: text.default('') }),
  add_half_external_contact: z.object({ UserID: text, ExternalUserID: text, State: text.default(''), WelcomeCode: text.default('') }),
  edit_external_contact: z.object({ UserID: text, ExternalUserID: text }),
  del_follow_user: z.object({ UserID: text, ExternalUserID: text }),
  del_external_contact: z.object({ UserID: text, ExternalUserID: text, Source: optionalText }),
  transfer_fail: z.object({ UserID: text, ExternalUserID: text, FailReason: text.default('') }),
} as const;

const chatShape = z.object({
  ChatId: text,
  UpdateDetail: optionalText,
  JoinScene: count.optional(),
  QuitScene: count.optional(),
  MemChangeCnt: count.optional(),
  MemChangeList: z.union([z.object({ Item: z.union([text, z.array(text)]).optional() }), z.literal('')]).optional(),
});
const tagShape = z.object({ Id: text.default(''), TagType: z.enum(['tag', 'tag_group']).optional(), StrategyId: optionalText });

/**
 * The decrypted message as a typed event. A known event with missing or mistyped fields throws `bad_event`
 * (a contract change worth an alert); anything unknown comes back as `{ kind: 'unknown', raw }`.
 */
export function parseEvent(xml: string): CallbackEvent {
  const fields = parseXmlFields(xml);
  const event = textField(fields, 'Event') ?? '';
  const changeType = textField(fields, 'ChangeType') ?? '';
  const unknown: CallbackEvent = { kind: 'unknown', event, changeType, raw: xml };
  if (textField(fields, 'MsgType') !== 'event') return unknown;
  if (event === 'change_external_contact' && changeType in contactShapes) {
    const f = check(contactShapes[changeType as keyof typeof contactShapes], fields, event, changeType) as Record<string, string | undefined>;
    const common = { ...header(fields), kind: event, userId: f.UserID as string, externalUserId: f.ExternalUserID as string } as const;
    if (changeType === 'add_external_contact' || changeType === 'add_half_external_contact') {
      return { ...common, changeType, state: f.State ?? '', welcomeCode: f.WelcomeCode ?? '' };
    }
    if (changeType === 'del_external_contact') return { ...common, changeType, ...(f.Source ? { source: f.Source } : {}) };
    if (changeType === 'transfer_fail') return { ...common, changeType, failReason: f.FailReason ?? '' };
    return { ...common, changeType: changeType as 'edit_external_contact' | 'del_follow_user' };
  }
  if (event === 'change_external_chat' && ['create', 'update', 'dismiss'].includes(changeType)) {
    const f = check(chatShape, fields, event, changeType);
    const common = { ...header(fields), kind: event, chatId: f.ChatId } as const;
    if (changeType !== 'update') return { ...common, changeType: changeType as 'create' | 'dismiss' };
    if (!f.UpdateDetail) throw new WecomCallbackError('bad_event', 'change_external_chat update without UpdateDetail');
    const items = typeof f.MemChangeList === 'object' ? f.MemChangeList.Item : undefined;
    return definedOnly({
      ...common, changeType, updateDetail: f.UpdateDetail, joinScene: f.JoinScene, quitScene: f.QuitScene, memChangeCnt: f.MemChangeCnt,
      memChangeList: items === undefined ? undefined : [items].flat(),
    });
  }
  if (event === 'change_external_tag' && ['create', 'update', 'delete', 'shuffle'].includes(changeType)) {
    const f = check(tagShape, fields, event, changeType);
    const common = { ...header(fields), kind: event, id: f.Id, ...(f.StrategyId ? { strategyId: f.StrategyId } : {}) } as const;
    if (changeType === 'shuffle') return { ...common, changeType };
    if (!f.TagType) throw new WecomCallbackError('bad_event', `change_external_tag ${changeType} without TagType`);
    return { ...common, changeType: changeType as 'create' | 'update' | 'delete', tagType: f.TagType };
  }
  return unknown;
}

function header(fields: XmlFields): EventHeader {
  const createTime = textField(fields, 'CreateTime') ?? '';
  if (!/^\d+$/.test(createTime)) throw new WecomCallbackError('bad_event', 'CreateTime is not unix seconds');
  return { toUserName: textField(fields, 'ToUserName') ?? '', fromUserName: textField(fields, 'FromUserName') ?? '', createTime: Number(createTime) };
}

function check<S extends z.ZodType>(shape: S, fields: XmlFields, event: string, changeType: string): z.output<S> {
  const parsed = shape.safeParse(fields);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  throw new WecomCallbackError('bad_event', `${event} ${changeType}: ${first ? `${first.path.join('.')} ${first.message}` : 'bad fields'}`);
}
