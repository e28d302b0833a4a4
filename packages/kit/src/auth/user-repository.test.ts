import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConflictError, NotFoundError } from '../errors.ts';
import { createTestDatabase, uniqueSuffix, type TestDatabase } from '../testing/index.ts';
import {
  createUser,
  findUserById,
  findUserByUsername,
  listUsers,
  setUserActive,
  setUserPassword,
  setUserRole,
  touchUserLastLogin,
} from './user-repository.ts';

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

// the repository never hashes; any opaque string stands in for a hash here
const newUser = (overrides: { username?: string } = {}) => ({
  username: overrides.username ?? `repo-${uniqueSuffix()}`,
  displayName: '李老师',
  passwordHash: 'scrypt$opaque',
  role: 'staff' as const,
});

describe('user repository', () => {
  test('when a user is created, then it can be found by id and by username in any case, as camelCase without the hash', async () => {
    // Arrange
    const input = newUser({ username: `Mixed-${uniqueSuffix()}` });

    // Act
    const created = await createUser(pool, input);
    const byName = await findUserByUsername(pool, input.username.toLowerCase());
    const byId = await findUserById(pool, created.id);

    // Assert
    expect(created).toEqual({
      id: expect.any(Number),
      username: input.username,
      displayName: '李老师',
      role: 'staff',
      isActive: true,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
      lastLoginAt: null,
    });
    expect(created).not.toHaveProperty('passwordHash');
    expect(byName).toEqual({ ...created, passwordHash: 'scrypt$opaque' });
    expect(byId).toEqual(created);
  });

  test('when a username differs from an existing one only in case, then creating it is a ConflictError naming the field', async () => {
    // Arrange
    const existing = await createUser(pool, newUser());

    // Act
    const attempt = createUser(pool, newUser({ username: existing.username.toUpperCase() }));

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toMatchObject({ status: 409, details: [{ field: 'username' }] });
  });

  test('when role, activity, password and last login change, then the row says so', async () => {
    // Arrange
    const user = await createUser(pool, newUser());

    // Act
    await setUserRole(pool, user.id, 'admin');
    await setUserActive(pool, user.id, false);
    await setUserPassword(pool, user.id, 'scrypt$new');
    await touchUserLastLogin(pool, user.id);

    // Assert
    const found = await findUserByUsername(pool, user.username);
    expect(found).toMatchObject({ role: 'admin', isActive: false, passwordHash: 'scrypt$new', lastLoginAt: expect.any(Date) });
    expect(found!.updatedAt.getTime()).toBeGreaterThanOrEqual(user.updatedAt.getTime());
  });

  test('when a missing user is changed or looked up, then NotFoundError or null answers', async () => {
    // Act / Assert
    await expect(setUserRole(pool, 999_999_999, 'viewer')).rejects.toBeInstanceOf(NotFoundError);
    expect(await findUserById(pool, 999_999_999)).toBeNull();
    expect(await findUserByUsername(pool, `nobody-${uniqueSuffix()}`)).toBeNull();
  });

  test('when users are listed, then every created user appears', async () => {
    // Arrange
    const [first, second] = [await createUser(pool, newUser()), await createUser(pool, newUser())];

    // Act
    const users = await listUsers(pool);

    // Assert
    expect(users.map((user) => user.id)).toEqual(expect.arrayContaining([first.id, second.id]));
  });

  test('when a username carries SQL, then it is stored as plain text', async () => {
    // Arrange
    const input = newUser({ username: `x'); DROP TABLE auth.users; --${uniqueSuffix()}` });

    // Act
    const created = await createUser(pool, input);

    // Assert
    expect((await findUserByUsername(pool, input.username))?.id).toBe(created.id);
  });
});
