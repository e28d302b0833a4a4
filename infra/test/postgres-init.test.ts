import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { migrate } from '@doitcrm/db';
import { serverUrl, uniqueSuffix, withAdmin } from '@doitcrm/kit/testing';
import { repositoryRoot } from './compose-file.ts';

const name = `doitcrm_init_${uniqueSuffix()}`;
const password = `pw'with"quotes-${uniqueSuffix()}`;

afterAll(async () => {
  await withAdmin(async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS "${name}"`);
  });
});

describe('infra/compose/create-doitcrm-role.sh', () => {
  test('when the postgres container initialises, then DoitCRM gets a role that is no superuser, owns its database and can run every migration', async () => {
    // Arrange: the script as the image runs it, with psql pointed at the tests' server and a role name of this run
    const server = new URL(serverUrl('postgres'));
    const env = {
      PATH: process.env.PATH ?? '',
      PGHOST: server.hostname, PGPORT: server.port || '5432', PGPASSWORD: decodeURIComponent(server.password),
      POSTGRES_USER: decodeURIComponent(server.username) || 'postgres',
      DOITCRM_DB_USER: name, DOITCRM_DB_NAME: name, DOITCRM_DB_PASSWORD: password,
    };

    // Act
    const run = spawnSync('sh', [path.join(repositoryRoot, 'infra', 'compose', 'create-doitcrm-role.sh')], { env, encoding: 'utf8' });
    const ownUrl = new URL(serverUrl(name));
    Object.assign(ownUrl, { username: name, password: encodeURIComponent(password) });
    const applied = await migrate({ databaseUrl: ownUrl.toString() });
    const [role] = (await withAdmin((admin) => admin.query(
      `SELECT r.rolsuper, r.rolcreatedb, r.rolcreaterole, pg_get_userbyid(d.datdba) AS owner
         FROM pg_roles r JOIN pg_database d ON d.datname = $1 WHERE r.rolname = $1`, [name],
    ))).rows as { rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean; owner: string }[];

    // Assert
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(role).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false, owner: name });
    expect(applied.length).toBeGreaterThan(0);
  });

  test('when the password is missing, then the script stops naming the .env setting', () => {
    // Act
    const run = spawnSync('sh', [path.join(repositoryRoot, 'infra', 'compose', 'create-doitcrm-role.sh')], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });

    // Assert
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('set POSTGRES_PASSWORD in .env');
  });
});
