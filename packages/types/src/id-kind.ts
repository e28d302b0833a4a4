import type { IdKind } from './domain.ts';

/**
 * What a WeCom id is, from its shape alone (the archive gives nothing else): external contacts are `wm…`
 * (WeChat users) or `wo…` (WeCom users of other corps), bots `wb…`, customer groups `wr…`; any other room id
 * is an internal group and any other user id an own-corp member (staff).
 */
export function idKindOf(originalId: string, idType: 'user_id' | 'room_id'): IdKind {
  if (idType === 'room_id') return originalId.startsWith('wr') ? 'customer_group' : 'internal_group';
  if (originalId.startsWith('wm')) return 'external_wechat';
  if (originalId.startsWith('wo')) return 'external_wecom';
  if (originalId.startsWith('wb')) return 'bot';
  return 'staff';
}
