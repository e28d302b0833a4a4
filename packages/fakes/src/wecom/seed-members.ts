import type { DemoSchool, DemoStaff } from '@doitcrm/demo-data';
import { stableInt } from './stable-random.ts';
import type { FakeDepartment, FakeUser } from './wecom-fake-state.ts';

/** The school's address book: the corp root and one department per kind of staff. */
const DEPARTMENT_OF_ROLE: Readonly<Record<DemoStaff['role'], number>> = { teacher: 2, head_teacher: 3, advisor: 4 };
const POSITION_OF_ROLE: Readonly<Record<DemoStaff['role'], string>> = { teacher: '英语老师', head_teacher: '班主任', advisor: '课程顾问' };

export function seedDepartments(school: DemoSchool): FakeDepartment[] {
  const leaderOf = (role: DemoStaff['role']) => school.staff.filter((s) => s.role === role).slice(0, 1).map((s) => s.userId);
  return [
    { id: 1, name: school.corpName, name_en: 'Acorn Kids English', parentid: 0, order: 100_000_000, department_leader: [] },
    { id: 2, name: '教学部', name_en: 'Teaching', parentid: 1, order: 99_999_000, department_leader: leaderOf('teacher') },
    { id: 3, name: '班主任组', name_en: 'Head teachers', parentid: 1, order: 99_998_000, department_leader: leaderOf('head_teacher') },
    { id: 4, name: '课程顾问部', name_en: 'Advisors', parentid: 1, order: 99_997_000, department_leader: leaderOf('advisor') },
  ];
}

export function seedUsers(school: DemoSchool): Map<string, FakeUser> {
  const users = new Map<string, FakeUser>();
  school.staff.forEach((staff, index) => {
    const department = DEPARTMENT_OF_ROLE[staff.role];
    // an English call name ("Lily老师") doubles as the member's alias, as schools usually set it up
    const english = /^[A-Za-z]+/.exec(staff.callName)?.[0] ?? '';
    users.set(staff.userId, {
      userid: staff.userId,
      name: staff.name,
      department: [department],
      main_department: department,
      position: POSITION_OF_ROLE[staff.role],
      // 1990001xxxx: the demo's parents use 1990000xxxx; neither range is in service
      mobile: `1990001${String(index).padStart(4, '0')}`,
      gender: stableInt(staff.userId, 0, 9) < 8 ? '2' : '1',
      email: `${staff.userId.toLowerCase()}@school.invalid`,
      avatar: `https://avatar.invalid/member/${encodeURIComponent(staff.userId)}`,
      alias: english,
      status: 1,
    });
  });
  return users;
}
