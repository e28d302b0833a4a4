import { describe, expect, test } from 'vitest';
import { ConflictError, NotFoundError } from '../errors.ts';
import { uniqueSuffix, useTestDatabase } from '../testing/index.ts';
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

const db = useTestDatabase();

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
    const created = await createUser(db.pool, input);
    const byName = await findUserByUsername(db.pool, input.username.toLowerCase());
    const byId = await findUserById(db.pool, created.id);

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
    const existing = await createUser(db.pool, newUser());

    // Act
    const attempt = createUser(db.pool, newUser({ username: existing.username.toUpperCase() }));

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toMatchObject({ status: 409, details: [{ field: 'username' }] });
  });

  test('when role, activity, password and last login change, then the row says so', async () => {
    // Arrange
    const user = await createUser(db.pool, newUser());

    // Act
    await setUserRole(db.pool, user.id, 'admin');
    await setUserActive(db.pool, user.id, false);
    await setUserPassword(db.pool, user.id, 'scrypt$new');
    await touchUserLastLogin(db.pool, user.id);

    // Assert
    const found = await findUserByUsername(db.pool, user.username);
    expect(found).toMatchObject({ role: 'admin', isActive: false, passwordHash: 'scrypt$new', lastLoginAt: expect.any(Date) });
    expect(found!.updatedAt.getTime()).toBeGreaterThanOrEqual(user.updatedAt.getTime());
  });

  test('when a missing user is changed or looked up, then NotFoundError or null answers', async () => {
    // Act / Assert
    await expect(setUserRole(db.pool, 999_999_999, 'viewer')).rejects.toBeInstanceOf(NotFoundError);
    expect(await findUserById(db.pool, 999_999_999)).toBeNull();
    expect(await findUserByUsername(db.pool, `nobody-${uniqueSuffix()}`)).toBeNull();
  });

  test('when users are listed, then every created user appears', async () => {
    // Arrange
    const [first, second] = [await createUser(db.pool, newUser()), await createUser(db.pool, newUser())];

    // Act
    const users = await listUsers(db.pool);

    // Assert
    expect(users.map((user) => user.id)).toEqual(expect.arrayContaining([first.id, second.id]));
  });

  test('when a username carries SQL, then it is stored as plain text', async () => {
    // Arrange
    const input = newUser({ username: `x'); DROP TABLE auth.users; --${uniqueSuffix()}` });

    // Act
    const created = await createUser(db.pool, input);

    // Assert
    expect((await findUserByUsername(db.pool, input.username))?.id).toBe(created.id);
  });
});
