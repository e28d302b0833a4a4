import { parseArgs } from 'node:util';

/** A mistake in how the CLI was called: exit code 2 and the usage text. */
export class UsageError extends Error {}

export const USAGE = `用法 (usage):
  npm run user -- add --username U --password - --role admin|staff|viewer [--display-name N]
  npm run user -- passwd --username U --password -
      --password - reads the password from standard input (kept out of the shell history and the process list);
      --password P also works, for scripts on a machine nobody else uses
  npm run user -- role --username U --role admin|staff|viewer
  npm run user -- disable --username U
  npm run user -- enable --username U
  npm run user -- list

环境变量: DATABASE_URL (默认 postgres://postgres@127.0.0.1:5432/doitcrm),
          REDIS_URL (默认 redis://127.0.0.1:6379，passwd/role/disable 用它结束该用户的会话),
          REDIS_PREFIX (默认 doitcrm:，须与各服务相同)`;

export type UserCliCommand =
  | { name: 'add'; username: string; password: string; role: string; displayName?: string | undefined }
  | { name: 'passwd'; username: string; password: string }
  | { name: 'role'; username: string; role: string }
  | { name: 'disable' | 'enable'; username: string }
  | { name: 'list' }
  | { name: 'help' };

type Flag = 'username' | 'password' | 'role' | 'display-name';

const FLAGS_BY_COMMAND: Record<string, { required: Flag[]; optional: Flag[] }> = {
  add: { required: ['username', 'password', 'role'], optional: ['display-name'] },
  passwd: { required: ['username', 'password'], optional: [] },
  role: { required: ['username', 'role'], optional: [] },
  disable: { required: ['username'], optional: [] },
  enable: { required: ['username'], optional: [] },
  list: { required: [], optional: [] },
};

/** Turns argv (after the script name) into one command, or throws UsageError naming the bad flag. */
export function parseUserCliArgs(argv: string[]): UserCliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        username: { type: 'string' },
        password: { type: 'string' },
        role: { type: 'string' },
        'display-name': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { name: 'help' };
  const [name, ...extra] = positionals;
  if (!name) throw new UsageError('缺少子命令 (add, passwd, role, disable, enable, list)');
  const spec = FLAGS_BY_COMMAND[name];
  if (!spec) throw new UsageError(`未知的子命令: ${name}`);
  if (extra.length > 0) throw new UsageError(`多余的参数: ${extra.join(' ')}`);

  for (const flag of Object.keys(values) as Flag[]) {
    if (!spec.required.includes(flag) && !spec.optional.includes(flag)) throw new UsageError(`--${flag} 不适用于 ${name}`);
  }
  for (const flag of spec.required) {
    const value = values[flag];
    if (value === undefined || value.trim() === '') throw new UsageError(`${name} 需要 --${flag}`);
  }

  const username = values.username ?? '';
  const password = values.password ?? '';
  const role = values.role ?? '';
  switch (name) {
    case 'add':
      return { name, username, password, role, displayName: values['display-name'] };
    case 'passwd':
      return { name, username, password };
    case 'role':
      return { name, username, role };
    case 'disable':
    case 'enable':
      return { name, username };
    default:
      return { name: 'list' };
  }
}
