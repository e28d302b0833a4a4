// The benchmark's corp in the WeCom fake: `staff` members with `customersPerStaff` customers of their own each, and
// customer groups of `membersPerGroup` of those customers. The demo school's directory is replaced (its 16 members
// with customers are far from the size the issue asks about); ids are deterministic, so runs compare.
import type { WecomFake } from '@doitcrm/fakes';
import type { CorpShape } from './bench-report.ts';

export interface BigCorpOptions {
  staff: number;
  customersPerStaff: number;
  groups: number;
  membersPerGroup: number;
}

const CREATED = 1_700_000_000;
const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const staffId = (s: number) => `bench-staff-${pad(s, 3)}`;
export const customerId = (s: number, c: number) => `wmbench${pad(s, 3)}x${pad(c, 5)}`;

export function seedBigCorp(fake: WecomFake, options: BigCorpOptions): CorpShape {
  const directory = fake.state.directory;
  const department = directory.departments[0]!.id;
  directory.users.clear();
  directory.externalContacts.clear();
  directory.customerGroups.clear();
  directory.unresolvable = [];
  for (let s = 0; s < options.staff; s++) {
    const userid = staffId(s);
    directory.users.set(userid, {
      userid, name: `顾问${pad(s, 3)}`, department: [department], main_department: department, position: '课程顾问',
      mobile: '', gender: '1', email: '', avatar: '', alias: '', status: 1,
    });
    for (let c = 0; c < options.customersPerStaff; c++) {
      const external_userid = customerId(s, c);
      directory.externalContacts.set(external_userid, {
        external_contact: { external_userid, name: `家长${pad(s, 3)}-${pad(c, 5)}`, type: 1, gender: 2, avatar: '' },
        follow_user: [{
          userid, remark: '', description: '', createtime: CREATED + c, tags: [], remark_corp_name: '', remark_mobiles: [],
          oper_userid: userid, add_way: 1, state: '',
        }],
      });
    }
  }
  for (let g = 0; g < options.groups; g++) {
    const owner = g % options.staff;
    const chat_id = `wrbench${pad(g, 5)}`;
    const members = Array.from({ length: options.membersPerGroup }, (_, m) => ({
      userid: customerId(owner, (g * options.membersPerGroup + m) % options.customersPerStaff), type: 2 as const,
      join_time: CREATED, join_scene: 3 as const, group_nickname: '',
    }));
    directory.customerGroups.set(chat_id, {
      chat_id, name: `体验课群${pad(g, 4)}`, owner: staffId(owner), create_time: CREATED, notice: '',
      member_list: [{ userid: staffId(owner), type: 1, join_time: CREATED, join_scene: 1, group_nickname: '' }, ...members],
      admin_list: [], status: 0, dismissed: false,
    });
  }
  return { members: options.staff, followMembers: options.staff, relations: options.staff * options.customersPerStaff, groups: options.groups };
}
