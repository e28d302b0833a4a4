import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { createDashboardApp } from '../src/app.ts';
import { dashboardConfigShape } from '../src/config.ts';
import type { ClassDetails } from '../src/contract.ts';
import { refreshRollups } from '../src/domain/refresh-rollups.ts';
import { createClass } from './fixtures.ts';

// Names written by something other than the mapper (the roster, an old import) can be blank or padded: the
// database's one definition (display_name) trims them, so an empty business name no longer hides the nickname.
const t = useTestApp('dashboard', dashboardConfigShape, createDashboardApp, { roles: ['viewer'] });

describe('names written blank or padded', () => {
  it('when a parent\'s business name is empty, then the class details name the parent by the trimmed nickname, not by nothing', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读', '在读']);
    const [blank, named] = cls.parents as [string, string];
    await pool.query("UPDATE crm.identities SET business_name = '', wecom_nickname = ' 小明妈妈 ' WHERE id_type = 'user_id' AND original_id = $1", [blank]);
    await refreshRollups(pool, { full: true }, { timezone: 'Asia/Shanghai' });

    const response = await supertest(t.app).get(`/api/class-details/${cls.classId}?from=2026-07-01&to=2026-07-31`).set('Cookie', t.cookies.viewer);

    expect(response.status).toBe(200);
    const guardians = (response.body as ClassDetails).students.flatMap((student) => student.guardians);
    const names = Object.fromEntries(guardians.map((guardian) => [guardian.parentId, guardian.name]));
    expect(names).toEqual({ [blank]: '小明妈妈', [named]: expect.stringMatching(/^家长1-/) });
  });
});
