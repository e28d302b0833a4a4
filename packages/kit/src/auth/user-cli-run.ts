import { Redis } from 'ioredis';
import pg from 'pg';
import { AppError, NotFoundError, ValidationError } from '../errors.ts';
import { createSessionStore } from './session-store.ts';
import type { User } from './types.ts';
import { addUser, changeActive, changePassword, changeRole, type FieldNames, type UserAdminDeps } from './user-admin.ts';
import { USAGE, parseUserCliArgs, type UserCliCommand } from './user-cli-args.ts';
import { findUserByUsername, listUsers } from './user-repository.ts';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/doitcrm';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
// must match the services' REDIS_PREFIX (kit config), or passwd/disable would look for sessions under other keys
const DEFAULT_REDIS_PREFIX = 'doitcrm:';
const FLAG_NAMES: FieldNames = { username: '--username', password: '--password', role: '--role', displayName: '--display-name' };

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** the first line of standard input, for `--password -` */
  readSecret?: () => Promise<string>;
}

// Names come from the database; never let one move the cursor or recolour a terminal.
// eslint-disable-next-line no-control-regex
const printable = (value: string): string => value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

/** host:port/database of a connection URL, without user or password, for error messages. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return '(无法解析的地址)';
  }
}

/** Columns in terminal cells: CJK characters take two, so names like 王老师 still line up. */
function cellWidth(value: string): number {
  let width = 0;
  for (const character of value) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(character) ? 2 : 1;
  return width;
}

function formatUsers(users: User[]): string[] {
  const header = ['id', 'username', 'display name', 'role', 'active', 'last login'];
  const rows = users.map((user) => [
    String(user.id),
    printable(user.username),
    printable(user.displayName ?? ''),
    user.role,
    user.isActive ? 'yes' : 'no',
    user.lastLoginAt?.toISOString() ?? '-',
  ]);
  const widths = header.map((title, column) => Math.max(cellWidth(title), ...rows.map((row) => cellWidth(row[column]!))));
  return [header, ...rows].map((row) => row.map((cell, column) => cell + ' '.repeat(widths[column]! - cellWidth(cell))).join('  ').trimEnd());
}

async function findExisting(db: pg.Pool, username: string): Promise<User> {
  const user = await findUserByUsername(db, username.trim());
  if (!user) throw new NotFoundError(`用户 ${printable(username)} 不存在`);
  return user;
}

async function execute(command: Exclude<UserCliCommand, { name: 'help' }>, deps: UserAdminDeps & { db: pg.Pool }, io: CliIo): Promise<void> {
  switch (command.name) {
    case 'add': {
      const user = await addUser(deps, command, FLAG_NAMES);
      io.out(`已创建用户 ${printable(user.username)} (id ${user.id}，角色 ${user.role})`);
      return;
    }
    case 'passwd': {
      const { user, endedSessions } = await changePassword(deps, (await findExisting(deps.db, command.username)).id, command.password, FLAG_NAMES);
      io.out(`已修改 ${printable(user.username)} 的密码，结束了 ${endedSessions} 个会话`);
      return;
    }
    case 'role': {
      const { user, endedSessions } = await changeRole(deps, (await findExisting(deps.db, command.username)).id, command.role, FLAG_NAMES);
      io.out(`${printable(user.username)} 的角色现在是 ${user.role}，结束了 ${endedSessions} 个会话`);
      return;
    }
    case 'disable':
    case 'enable': {
      const active = command.name === 'enable';
      const { user, endedSessions } = await changeActive(deps, (await findExisting(deps.db, command.username)).id, active);
      io.out(active ? `已启用 ${printable(user.username)}` : `已停用 ${printable(user.username)}，结束了 ${endedSessions} 个会话`);
      return;
    }
    case 'list':
      for (const line of formatUsers(await listUsers(deps.db))) io.out(line);
      return;
  }
}

/** Runs one CLI command; returns the exit code (0 done, 1 failed, 2 usage or invalid flag value). */
export async function runUserCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let command: UserCliCommand;
  try {
    command = parseUserCliArgs(argv);
  } catch (error) {
    io.err(`错误: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (command.name === 'help') {
    io.out(USAGE);
    return 0;
  }
  if ((command.name === 'add' || command.name === 'passwd') && command.password === '-') {
    const secret = io.readSecret ? await io.readSecret() : '';
    if (secret === '') {
      io.err('错误: --password - 需要从标准输入读取密码，但没有读到 (no password on standard input)');
      return 2;
    }
    command = { ...command, password: secret };
  }

  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const redisUrl = env.REDIS_URL || DEFAULT_REDIS_URL;
  const endsSessions = command.name === 'passwd' || command.name === 'role' || command.name === 'disable';
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  // fail at once instead of retrying forever when Redis is down
  const redis = endsSessions ? new Redis(redisUrl, { keyPrefix: env.REDIS_PREFIX ?? DEFAULT_REDIS_PREFIX, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null }) : undefined;
  redis?.on('error', () => undefined); // reported through the failing command below
  try {
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      throw new Error(`无法连接数据库 ${describeUrl(databaseUrl)} (DATABASE_URL): ${(error as Error).message}`);
    }
    if (redis) {
      // checked before any change, so a password is never changed while the old sessions stay alive
      try {
        await redis.connect();
        await redis.ping();
      } catch (error) {
        throw new Error(`无法连接 Redis ${describeUrl(redisUrl)} (REDIS_URL)，需要它来结束该用户的会话: ${(error as Error).message}`);
      }
    }
    const sessionStore = redis ? createSessionStore(redis) : undefined;
    await execute(command, { db: pool, sessionStore, service: 'user-cli', actor: { userId: null, username: null } }, io);
    return 0;
  } catch (error) {
    if (error instanceof ValidationError) {
      for (const detail of error.details ?? [{ message: error.message }]) io.err(`错误: ${detail.field ? `${detail.field}: ` : ''}${detail.message}`);
      return 2;
    }
    io.err(`错误: ${error instanceof AppError || error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await pool.end().catch(() => undefined);
    redis?.disconnect();
  }
}
