import { generateSchool } from '@doitcrm/demo-data';
import { createWecomFake, type WecomFake } from './create-wecom-fake.ts';

export const DEFAULT_WECOM_FAKE_PORT = 5901;

export interface StartedWecomFake {
  fake: WecomFake;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the WeCom fake from environment variables:
 * - `WECOM_FAKE_PORT` (default 5901; 0 = any free port)
 * - `FAKES_HOST` (default 127.0.0.1): the compose demo profile listens on the container's network instead
 * - `WECOM_FAKE_CORP_ID`, `WECOM_FAKE_SECRET`, `WECOM_FAKE_ARCHIVE_SECRET`: the fake's own credentials; random
 *   when unset (they open nothing but this fake)
 * - `WECOM_FAKE_SCHOOL_SEED`: seed of the demo school it serves (default: the demo's seed)
 * - `WECOM_FAKE_TRANSIENT_RATE`: share of name lookups answered with a transient error (−1 system busy, or 45033
 *   too many concurrent calls), so the demo shows the client's retries; default 0.02, 0 turns it off
 * - `WECOM_FAKE_CALLBACK_URL`, `WECOM_FAKE_CALLBACK_TOKEN`, `WECOM_FAKE_CALLBACK_AES_KEY` (all three or none): where staff
 *   actions (`/__control/wecom/…`) send their callbacks, as the receiving service's 回调 settings name them
 * Problems are listed all at once.
 */
export async function startWecomFake(env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<StartedWecomFake> {
  const problems: string[] = [];
  const port = integerFromEnv(env, 'WECOM_FAKE_PORT', DEFAULT_WECOM_FAKE_PORT, 0, 65_535, problems);
  const seed = env.WECOM_FAKE_SCHOOL_SEED === undefined ? undefined : integerFromEnv(env, 'WECOM_FAKE_SCHOOL_SEED', 0, 0, 2 ** 31 - 1, problems);
  const transientRate = shareFromEnv(env, 'WECOM_FAKE_TRANSIENT_RATE', 0.02, problems);
  const callback = callbackFromEnv(env, problems);
  if (problems.length > 0) throw new Error(`invalid WeCom fake configuration:\n  ${problems.join('\n  ')}`);

  const fake = createWecomFake({
    school: generateSchool(seed === undefined ? {} : { seed }),
    corpId: env.WECOM_FAKE_CORP_ID || undefined,
    secret: env.WECOM_FAKE_SECRET || undefined,
    archiveSecret: env.WECOM_FAKE_ARCHIVE_SECRET || undefined,
    ...(callback ? { callback } : {}),
  });
  if (transientRate > 0) {
    for (const endpoint of ['externalcontact/get', 'user/get', 'externalcontact/groupchat/get']) {
      fake.inject({ endpoint, errcode: -1, probability: transientRate / 2 });
      fake.inject({ endpoint, errcode: 45033, probability: transientRate / 2 });
    }
  }
  const server = await fake.listen(port, env.FAKES_HOST || '127.0.0.1');
  print(`WeCom fake listening on ${server.url} (throwaway credentials of this fake, not of any real corp)`);
  print(`  WECOM_BASE_URL=${server.url}`);
  print(`  WECOM_CORP_ID=${fake.corpId}`);
  print(`  WECOM_SECRET=${fake.secret}`);
  print(`  WECOM_ARCHIVE_SECRET=${fake.archiveSecret}`);
  for (const u of fake.state.directory.unresolvable) print(`  unresolvable on purpose: ${u.id} → errcode ${u.errcode} (${u.reason})`);
  if (callback) print(`  callbacks of staff actions (POST ${server.url}/__control/wecom/…) go to ${callback.url}`);
  if (transientRate > 0) print(`  transient errors on purpose: ${(transientRate * 100).toFixed(1)}% of name lookups answer −1 or 45033 (WECOM_FAKE_TRANSIENT_RATE)`);
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

function shareFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!(value >= 0 && value <= 1)) {
    problems.push(`${name}: expected a share between 0 and 1, got "${text}"`);
    return fallback;
  }
  return value;
}

function callbackFromEnv(env: NodeJS.ProcessEnv, problems: string[]): { url: string; token: string; encodingAesKey: string } | undefined {
  const url = env.WECOM_FAKE_CALLBACK_URL || '';
  const token = env.WECOM_FAKE_CALLBACK_TOKEN || '';
  const encodingAesKey = env.WECOM_FAKE_CALLBACK_AES_KEY || '';
  if (!url && !token && !encodingAesKey) return undefined;
  if (!/^https?:\/\//.test(url)) problems.push('WECOM_FAKE_CALLBACK_URL: expected an http(s) URL');
  if (!token) problems.push('WECOM_FAKE_CALLBACK_TOKEN: required with WECOM_FAKE_CALLBACK_URL');
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) problems.push('WECOM_FAKE_CALLBACK_AES_KEY: expected 43 base64 characters');
  return { url, token, encodingAesKey };
}
