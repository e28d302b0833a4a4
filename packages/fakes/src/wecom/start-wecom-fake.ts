import { generateSchool } from '@doitcrm/demo-data';
import { createWecomFake, type WecomFake } from './create-wecom-fake.ts';

export const DEFAULT_WECOM_FAKE_PORT = 5901;

export interface StartedWecomFake {
  fake: WecomFake;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the WeCom fake from environment variables, on 127.0.0.1 only:
 * - `WECOM_FAKE_PORT` (default 5901; 0 = any free port)
 * - `WECOM_FAKE_CORP_ID`, `WECOM_FAKE_SECRET`, `WECOM_FAKE_ARCHIVE_SECRET`: the fake's own credentials; random
 *   when unset (they open nothing but this fake)
 * - `WECOM_FAKE_SCHOOL_SEED`: seed of the demo school it serves (default: the demo's seed)
 * Problems are listed all at once.
 */
export async function startWecomFake(env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<StartedWecomFake> {
  const problems: string[] = [];
  const port = integerFromEnv(env, 'WECOM_FAKE_PORT', DEFAULT_WECOM_FAKE_PORT, 0, 65_535, problems);
  const seed = env.WECOM_FAKE_SCHOOL_SEED === undefined ? undefined : integerFromEnv(env, 'WECOM_FAKE_SCHOOL_SEED', 0, 0, 2 ** 31 - 1, problems);
  if (problems.length > 0) throw new Error(`invalid WeCom fake configuration:\n  ${problems.join('\n  ')}`);

  const fake = createWecomFake({
    school: generateSchool(seed === undefined ? {} : { seed }),
    corpId: env.WECOM_FAKE_CORP_ID || undefined,
    secret: env.WECOM_FAKE_SECRET || undefined,
    archiveSecret: env.WECOM_FAKE_ARCHIVE_SECRET || undefined,
  });
  const server = await fake.listen(port, '127.0.0.1');
  print(`WeCom fake listening on ${server.url} (throwaway credentials of this fake, not of any real corp)`);
  print(`  WECOM_BASE_URL=${server.url}`);
  print(`  WECOM_CORP_ID=${fake.corpId}`);
  print(`  WECOM_SECRET=${fake.secret}`);
  print(`  WECOM_ARCHIVE_SECRET=${fake.archiveSecret}`);
  for (const u of fake.state.directory.unresolvable) print(`  unresolvable on purpose: ${u.id} → errcode ${u.errcode} (${u.reason})`);
  return { fake, url: server.url, close: server.close };
}

function integerFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name}: expected an integer in [${min}, ${max}], got "${text}"`);
    return fallback;
  }
  return value;
}
