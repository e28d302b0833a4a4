import { createCozeFake, type CozeFake, type CozeFakeOptions } from './create-coze-fake.ts';

export const DEFAULT_COZE_FAKE_PORT = 5903;

export interface StartCozeFakeOptions extends CozeFakeOptions {
  /** default 0 (any free port) */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
}

export interface StartedCozeFake {
  /** what a client needs: COZE_BASE_URL, COZE_API_TOKEN, COZE_PARENT_BOT_ID, COZE_TEACHER_BOT_ID */
  url: string;
  token: string;
  parentBotId: string;
  teacherBotId: string;
  fake: CozeFake;
  close(): Promise<void>;
}

/** Creates the Coze fake and listens (127.0.0.1, a free port unless told otherwise). */
export async function startCozeFake(options: StartCozeFakeOptions = {}): Promise<StartedCozeFake> {
  const { port = 0, host = '127.0.0.1', ...fakeOptions } = options;
  const fake = createCozeFake(fakeOptions);
  const server = await fake.listen(port, host);
  return { url: server.url, token: fake.token, parentBotId: fake.parentBotId, teacherBotId: fake.teacherBotId, fake, close: server.close };
}

/**
 * The CLI's options from environment variables (problems listed all at once):
 * - `COZE_FAKE_PORT` (default 5903; 0 = any free port)
 * - `FAKES_HOST` (default 127.0.0.1), as for the WeCom fake
 * - `COZE_FAKE_TOKEN`: the token it accepts; random when unset (it opens nothing but this fake)
 * - `COZE_FAKE_DELTA_DELAY_MS` (default 40): pause between answer fragments, so pages visibly stream
 */
export function cozeFakeOptionsFromEnv(env: NodeJS.ProcessEnv): StartCozeFakeOptions {
  const problems: string[] = [];
  const port = integer(env, 'COZE_FAKE_PORT', DEFAULT_COZE_FAKE_PORT, 65_535, problems);
  const deltaDelayMs = integer(env, 'COZE_FAKE_DELTA_DELAY_MS', 40, 60_000, problems);
  if (problems.length > 0) throw new Error(`invalid Coze fake configuration:\n  ${problems.join('\n  ')}`);
  return { port, host: env.FAKES_HOST || '127.0.0.1', token: env.COZE_FAKE_TOKEN || undefined, stream: { deltaDelayMs } };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number, problems: string[]): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    problems.push(`${name}: expected an integer in [0, ${max}], got "${text}"`);
    return fallback;
  }
  return value;
}

/** What the CLI prints about a started Coze fake: the variables a service needs to use it. */
export function describeCozeFake(started: StartedCozeFake): string[] {
  return [
    `Coze fake listening on ${started.url} (a throwaway token of this fake, not of any real Coze account)`,
    `  COZE_BASE_URL=${started.url}`,
    `  COZE_API_TOKEN=${started.token}`,
    `  COZE_PARENT_BOT_ID=${started.parentBotId}`,
    `  COZE_TEACHER_BOT_ID=${started.teacherBotId}`,
  ];
}
