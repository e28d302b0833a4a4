import type { IdKind } from '@doitcrm/types';
import { isWecomError } from './wecom-error.ts';
import type { CustomerGroup, ExternalContactDetail, InternalGroup, NameResolution, WecomUser } from './wecom-types.ts';

export interface NameLookups {
  getUser(userId: string): Promise<WecomUser>;
  getExternalContact(externalUserId: string): Promise<ExternalContactDetail>;
  getCustomerGroup(chatId: string): Promise<CustomerGroup>;
  getInternalGroup(roomId: string): Promise<InternalGroup>;
}

const NO_NAME = '企业微信未返回名称 (WeCom returned an empty name)';

/**
 * The display name of any id of the archive, through the endpoint its kind needs. Only answers about this id
 * ("no such member", "no relationship", "group dismissed"…) become `unresolvable`; configuration errors
 * (secret, permission, IP) and transient failures are thrown, so a batch stops or retries later instead of
 * marking every id unresolvable — the original tool turned every failure into "not found".
 */
export async function resolveName(lookups: NameLookups, id: string, kind: IdKind): Promise<NameResolution> {
  if (kind === 'bot') {
    return { status: 'unresolvable', reason: '群机器人没有可查询名称的接口 (bot ids cannot be looked up through the API)' };
  }
  try {
    return await lookUp(lookups, id, kind);
  } catch (error) {
    if (isWecomError(error) && error.kind === 'not_found') {
      return { status: 'unresolvable', reason: error.hint, errcode: error.errcode };
    }
    throw error;
  }
}

async function lookUp(lookups: NameLookups, id: string, kind: Exclude<IdKind, 'bot'>): Promise<NameResolution> {
  switch (kind) {
    case 'staff':
      return named((await lookups.getUser(id)).name);
    case 'external_wechat':
    case 'external_wecom':
      return named((await lookups.getExternalContact(id)).name);
    case 'customer_group': {
      // an unnamed group shows its members' names in the client; WeCom returns "" and the count is all we have
      const group = await lookups.getCustomerGroup(id);
      return group.name ? named(group.name) : { status: 'resolved', name: `群聊(${group.memberCount}人)`, synthesized: true };
    }
    case 'internal_group': {
      const group = await lookups.getInternalGroup(id);
      return group.name ? named(group.name) : { status: 'resolved', name: `内部群(${group.memberCount}人)`, synthesized: true };
    }
  }
}

function named(name: string): NameResolution {
  return name.trim() ? { status: 'resolved', name } : { status: 'unresolvable', reason: NO_NAME };
}
