import { describe, expect, it } from 'vitest';
import { feishuErrorPolicy } from '../src/index.ts';

// The codes the feishu-sync README explains: each one's reaction is what the README promises.
describe('Feishu error policy', () => {
  it.each([
    [99991663, 'refresh_token'], [99991664, 'refresh_token'], [99991671, 'refresh_token'],
    [1254290, 'backoff'], [1254607, 'backoff'], [1255040, 'backoff'], [1254291, 'backoff'],
    [1254045, 'fail'], [91402, 'fail'], [91403, 'fail'], [1254302, 'fail'],
  ] as const)('when Feishu answers code %i, then the client reacts with %s', (code, reaction) => {
    expect(feishuErrorPolicy(code, 200).reaction).toBe(reaction);
  });

  it('when the base does not exist (91402), then the hint names the app token, not an unknown code', () => {
    const policy = feishuErrorPolicy(91402, 200);

    expect(policy.kind).toBe('config');
    expect(policy.hint).toContain('FEISHU_APP_TOKEN');
  });
});
