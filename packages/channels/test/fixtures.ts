import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { ChannelError } from '../src/channel-error.ts';
import type { OutgoingMessage } from '../src/channel-types.ts';

export const TIMEOUT_MS = 2_000;
/**
 * what a test's adapter waits before it calls a held answer a timeout: long enough for a token fetch and a send on a
 * busy two-core machine, far below the fakes' 10 s hold
 */
export const SHORT_TIMEOUT_MS = 1_000;
export const HOLD_MS = 10_000;

let phone = 13_800_000_000;
/** a fresh number per message: the fakes enforce per-number limits, as the providers do */
export const nextPhone = () => String(++phone);

export function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    id: `msg-${randomUUID()}`,
    traceId: `trace-${randomUUID()}`,
    to: nextPhone(),
    subject: '上课提醒',
    text: '小明同学明天 10:00 上课',
    template: { id: 'SMS_1000001', params: { name: '小明', time: '10:00' } },
    ...overrides,
  };
}

/** the ChannelError a send failed with, checked to be one */
export async function failure(sending: Promise<unknown>): Promise<ChannelError> {
  const error = await sending.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ChannelError);
  return error as ChannelError;
}
