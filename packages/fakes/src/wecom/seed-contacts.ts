import type { DemoClass, DemoParent, DemoSchool } from '@doitcrm/demo-data';
import { sectionNameOfLevel } from '@doitcrm/demo-data';
import { stableHash, stableInt } from './stable-random.ts';
import type { FakeExternalContact, FakeFollower, FakeTag } from './wecom-fake-state.ts';

/** 2023-06-01 00:00 Beijing: the school started adding parents on WeCom around then. */
const FIRST_ADD_SECONDS = 1_685_548_800;
const ADD_SPAN_SECONDS = 900 * 24 * 3600;

/** Invented employers for the few parents who are WeCom users of another corp (`wo…`). */
const OTHER_CORPS = ['星河科技', '蓝湾物流', '青禾医疗', '晨光文具', '远山设计'];

function corpTag(groupName: string, tagName: string): FakeTag {
  return { group_name: groupName, tag_name: tagName, tag_id: `et${stableHash(`${groupName}/${tagName}`).toString(36).padStart(8, '0')}`, type: 1 };
}

const ATTENTION = (userId: string): FakeTag => ({
  group_name: '个人标签', tag_name: '重点关注', tag_id: `et${stableHash(`personal/${userId}`).toString(36)}`, type: 2,
});

/**
 * A parent as a customer: name is the WeChat nickname for `wm…` ids and the real name for `wo…` ids (what
 * WeCom shows for users of another corp); followed by the advisor who enrolled the family (added by QR code)
 * and the head teachers of the children's classes (added from the class group).
 */
export function seedExternalContacts(school: DemoSchool, leftStaff: ReadonlySet<string>): Map<string, FakeExternalContact> {
  const studentByKey = new Map(school.students.map((s) => [s.key, s]));
  const classByKey = new Map(school.classes.map((c) => [c.key, c]));
  const contacts = new Map<string, FakeExternalContact>();
  for (const parent of school.parents) {
    const firstChild = studentByKey.get(parent.children[0]?.studentKey ?? '');
    const classes = (firstChild?.classKeys ?? []).map((k) => classByKey.get(k)).filter((c): c is DemoClass => c !== undefined);
    const tags = [
      corpTag('学员状态', firstChild?.status ?? '在读'),
      ...[...new Set(classes.map((c) => sectionNameOfLevel(c.levelCode)))].map((section) => corpTag('学段', section)),
    ];
    const followerIds = [...new Set([parent.advisorUserId, ...classes.map((c) => c.headTeacherUserId)])].filter((id) => !leftStaff.has(id));
    contacts.set(parent.externalId, {
      external_contact: contactCard(parent),
      follow_user: followerIds.map((userId, index) => follower(parent, userId, index === 0, tags)),
    });
  }
  return contacts;
}

function contactCard(parent: DemoParent): FakeExternalContact['external_contact'] {
  const avatar = `https://avatar.invalid/customer/${encodeURIComponent(parent.externalId)}`;
  const gender = parent.relation === 'mother' ? 2 : parent.relation === 'father' ? 1 : 0;
  if (parent.externalId.startsWith('wo')) {
    const corp = OTHER_CORPS[stableHash(parent.externalId) % OTHER_CORPS.length] as string;
    return {
      external_userid: parent.externalId, name: parent.name, type: 2, gender, avatar,
      position: '职员', corp_name: corp, corp_full_name: `${corp}有限公司`,
    };
  }
  const unionid = `o${stableHash(`union/${parent.externalId}`).toString(36)}${stableHash(parent.externalId).toString(36)}`;
  return { external_userid: parent.externalId, name: parent.nickname, type: 1, gender, avatar, unionid };
}

function follower(parent: DemoParent, userId: string, isAdvisor: boolean, tags: FakeTag[]): FakeFollower {
  const createtime = FIRST_ADD_SECONDS + stableInt(`${parent.externalId}/${userId}`, 0, ADD_SPAN_SECONDS);
  const customerAdded = isAdvisor && stableInt(parent.externalId, 0, 1) === 0;
  return {
    userid: userId,
    remark: parent.businessName ?? '',
    description: '',
    createtime,
    tags: isAdvisor ? tags : [...tags, ...(stableInt(`${userId}/${parent.externalId}`, 0, 9) === 0 ? [ATTENTION(userId)] : [])],
    remark_corp_name: '',
    remark_mobiles: isAdvisor ? [parent.phone] : [],
    // whoever initiated the add: the customer scanning the advisor's QR code, or the member
    oper_userid: customerAdded ? parent.externalId : userId,
    add_way: isAdvisor ? 1 : 4,
    state: isAdvisor ? 'trial_class' : '',
  };
}
