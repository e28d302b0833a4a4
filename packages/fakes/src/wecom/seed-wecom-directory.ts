import type { DemoSchool } from '@doitcrm/demo-data';
import { seedExternalContacts } from './seed-contacts.ts';
import { seedCorpTagGroups } from './seed-corp-tags.ts';
import { seedCustomerGroups, seedInternalGroups } from './seed-groups.ts';
import { seedDepartments, seedUsers } from './seed-members.ts';
import type { UnresolvableId, WecomDirectory } from './wecom-fake-state.ts';

/**
 * The demo school as WeCom would hold it. With `unresolvable`, a handful of ids of the archive fail the way real
 * ones do, so the id workbench demo shows skipped ids with their reasons:
 * - the last teacher has left the school: `user/get` → 60111;
 * - three parents were deleted by every member who followed them: `externalcontact/get` → 84061;
 * - the first `wo…` parent belongs to another subject: 40096;
 * - the second non-class customer group was dismissed: 49008 (and it is no longer listed).
 */
export function seedWecomDirectory(school: DemoSchool, options: { unresolvable: boolean }): WecomDirectory {
  const unresolvable: UnresolvableId[] = [];
  const left = new Set<string>();
  if (options.unresolvable) {
    const leaver = school.staff.filter((s) => s.role === 'teacher').at(-1);
    if (leaver) {
      left.add(leaver.userId);
      unresolvable.push({ id: leaver.userId, errcode: 60111, reason: 'member left the school' });
    }
  }
  const users = seedUsers(school);
  for (const id of left) users.delete(id);
  const externalContacts = seedExternalContacts(school, left);
  const foreignExternalIds = new Set<string>();
  const customerGroups = seedCustomerGroups(school);

  if (options.unresolvable) {
    const wechatParents = school.parents.filter((p) => p.externalId.startsWith('wm'));
    for (const index of [5, 50, 500]) {
      const parent = wechatParents[index];
      if (!parent) continue;
      externalContacts.delete(parent.externalId);
      unresolvable.push({ id: parent.externalId, errcode: 84061, reason: 'every member deleted this customer' });
    }
    const foreign = school.parents.find((p) => p.externalId.startsWith('wo'));
    if (foreign) {
      externalContacts.delete(foreign.externalId);
      foreignExternalIds.add(foreign.externalId);
      unresolvable.push({ id: foreign.externalId, errcode: 40096, reason: 'external id of another subject' });
    }
    const dismissed = school.otherGroups.filter((g) => g.kind === 'customer_group')[1];
    const group = dismissed ? customerGroups.get(dismissed.roomId) : undefined;
    if (group) {
      group.dismissed = true;
      unresolvable.push({ id: group.chat_id, errcode: 49008, reason: 'group dismissed by its owner' });
    }
  }

  return {
    corpName: school.corpName,
    departments: seedDepartments(school),
    users,
    externalContacts,
    foreignExternalIds,
    customerGroups,
    internalGroups: seedInternalGroups(school),
    corpTagGroups: seedCorpTagGroups(externalContacts),
    archivePermitUserIds: [...users.keys()],
    unresolvable,
  };
}
