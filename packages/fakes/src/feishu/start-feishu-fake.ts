import { createFeishuFake, type FeishuFake, type FeishuFakeOptions } from './create-feishu-fake.ts';

export const DEFAULT_FEISHU_FAKE_PORT = 5904;

export interface StartedFeishuFake {
  url: string;
  fake: FeishuFake;
  close(): Promise<void>;
}

/**
 * Starts the Feishu fake from environment variables (problems listed all at once):
 * - `FEISHU_FAKE_PORT` (default 5904; 0 = any free port), `FAKES_HOST` (default 127.0.0.1)
 * - `FEISHU_FAKE_APP_ID` / `FEISHU_FAKE_APP_SECRET`: the credentials it accepts; random when unset
 * - `FEISHU_FAKE_STUDENTS` (default 40): students in the demo base; `FEISHU_FAKE_WRITE_LATENCY_MS` (default 20)
 */
export async function startFeishuFake(env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<StartedFeishuFake> {
  const problems: string[] = [];
  const integer = (name: string, fallback: number, max: number) => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (Number.isInteger(value) && value >= 0 && value <= max) return value;
    problems.push(`${name}: expected an integer in [0, ${max}], got "${text}"`);
    return fallback;
  };
  const port = integer('FEISHU_FAKE_PORT', DEFAULT_FEISHU_FAKE_PORT, 65_535);
  const options: FeishuFakeOptions = {
    appId: env.FEISHU_FAKE_APP_ID || undefined,
    appSecret: env.FEISHU_FAKE_APP_SECRET || undefined,
    demo: { students: integer('FEISHU_FAKE_STUDENTS', 40, 20_000) },
    writeLatencyMs: integer('FEISHU_FAKE_WRITE_LATENCY_MS', 20, 60_000),
  };
  if (problems.length > 0) throw new Error(`invalid Feishu fake configuration:\n  ${problems.join('\n  ')}`);
  const fake = createFeishuFake(options);
  const server = await fake.listen(port, env.FAKES_HOST || '127.0.0.1');
  print(`Feishu Bitable fake listening on ${server.url} (throwaway credentials of this fake, not of any Feishu app)`);
  print(`  FEISHU_BASE_URL=${server.url}`);
  print(`  FEISHU_APP_ID=${fake.appId}`);
  print(`  FEISHU_APP_SECRET=${fake.appSecret}`);
  print(`  demo base app_token=${fake.demo.appToken} 学员总表=${fake.demo.studentsTableId} 学习记录表=${fake.demo.recordsTableId}`);
  return { url: server.url, fake, close: server.close };
}
