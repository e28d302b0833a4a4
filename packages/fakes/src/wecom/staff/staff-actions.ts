import { addCustomer, customerDeletesMember, editCustomer, memberDeletesCustomer, type AddCustomerInput, type EditCustomerInput } from './contact-actions.ts';
import { addGroupMembers, createGroup, dismissGroup, removeGroupMembers, renameGroup, type CreateGroupInput } from './group-actions.ts';
import type { StaffContext } from './staff-context.ts';
import { createTag, deleteTag, renameTag } from './tag-actions.ts';

/**
 * Staff actions in the WeCom client, the only source of customer-contact callbacks: each changes the fake's
 * directory (so the APIs answer the new state) and, with a callback sender attached, sends the matching event.
 */
export function staffActions(context: StaffContext) {
  return {
    addCustomer: (userId: string, input: AddCustomerInput = {}) => addCustomer(context, userId, input),
    editCustomer: (externalUserId: string, userId: string, input: EditCustomerInput) => editCustomer(context, externalUserId, userId, input),
    memberDeletesCustomer: (externalUserId: string, userId: string, source?: string) => memberDeletesCustomer(context, externalUserId, userId, source),
    customerDeletesMember: (externalUserId: string, userId: string) => customerDeletesMember(context, externalUserId, userId),
    createGroup: (input: CreateGroupInput) => createGroup(context, input),
    addGroupMembers: (chatId: string, userIds: string[], joinScene?: 0 | 3) => addGroupMembers(context, chatId, { userIds, joinScene }),
    removeGroupMembers: (chatId: string, userIds: string[], quitScene?: 0 | 1) => removeGroupMembers(context, chatId, { userIds, quitScene }),
    renameGroup: (chatId: string, name: string) => renameGroup(context, chatId, name),
    dismissGroup: (chatId: string) => dismissGroup(context, chatId),
    createTag: (input: { groupId?: string; groupName?: string; name: string }) => createTag(context, input),
    renameTag: (id: string, name: string) => renameTag(context, id, name),
    deleteTag: (id: string) => deleteTag(context, id),
  };
}

export type StaffActions = ReturnType<typeof staffActions>;
