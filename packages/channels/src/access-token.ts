import { AccessTokenCache } from '@doitcrm/wecom';
import { ChannelError } from './channel-error.ts';
import type { ChannelName } from './channel-types.ts';

/**
 * One app's access token (WeCom app, WeChat OA), held in packages/wecom's cache: reused until 5 minutes before it
 * expires, one fetch shared by concurrent callers, and a rejected token dropped only if no caller replaced it yet.
 */
export class AccessToken {
  private readonly cache: AccessTokenCache;

  constructor(fetchToken: () => Promise<{ value: string; expiresInSeconds: number }>, now: () => number = Date.now) {
    this.cache = new AccessTokenCache(async () => {
      const { value, expiresInSeconds } = await fetchToken();
      return { accessToken: value, expiresInSeconds };
    }, 300, now);
  }

  get(): Promise<string> {
    return this.cache.get('', '');
  }

  invalidate(value: string): void {
    this.cache.invalidate('', '', value);
  }
}

/**
 * Sends with the cached token and, when the provider says the token is no longer valid (it may drop one early),
 * once more with a fresh one, as the providers' own SDKs do; a fresh token refused too is a permanent error.
 */
export async function sendWithFreshToken<T>(
  channel: ChannelName, provider: string, token: AccessToken, attempt: (accessToken: string) => Promise<T | 'token-rejected'>,
): Promise<T> {
  const first = await token.get();
  const result = await attempt(first);
  if (result !== 'token-rejected') return result;
  token.invalidate(first);
  const second = await attempt(await token.get());
  if (second !== 'token-rejected') return second;
  throw new ChannelError({ channel, kind: 'permanent', code: 'token', message: `${provider} rejected a freshly issued token` });
}
