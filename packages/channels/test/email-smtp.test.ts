import { listenSmtpSink } from '@doitcrm/fakes/testing';
import { describe, expect, test } from 'vitest';
import { createEmailSmtpAdapter } from '../src/adapters/email-smtp.ts';
import { failure, message, HOLD_MS, SHORT_TIMEOUT_MS, TIMEOUT_MS } from './fixtures.ts';

async function email(options: { password?: string; timeoutMs?: number; perMinute?: number } = {}) {
  const sink = await listenSmtpSink(options.perMinute === undefined ? {} : { perMinute: options.perMinute });
  const adapter = createEmailSmtpAdapter({
    host: sink.host, port: sink.port, secure: false, requireTls: false, user: sink.sink.user, pass: options.password ?? sink.sink.password,
    from: '学校 <notice@school.example>', timeoutMs: options.timeoutMs ?? TIMEOUT_MS,
  });
  return { sink: sink.sink, adapter };
}

describe('E-mail adapter against the SMTP sink', () => {
  test('when a mail is sent, then the sink receives it with a Message-ID made from our id and the trace id header', async () => {
    // Arrange
    const { sink, adapter } = await email();
    const mail = message({ to: 'parent@example.com', html: '<p>明天上课</p>' });

    // Act
    const result = await adapter.send(mail);
    await adapter.close?.();

    // Assert
    expect(result.providerMessageId).toBe(`<${mail.id}@school.example>`);
    expect(sink.received).toEqual([expect.objectContaining({
      messageId: `<${mail.id}@school.example>`, to: ['parent@example.com'], subject: mail.subject, html: '<p>明天上课</p>',
      headers: expect.objectContaining({ 'x-trace-id': mail.traceId }),
    })]);
  });

  test('when the same mail is sent twice, then the sink counts the second under the same Message-ID, so the duplicate shows', async () => {
    // Arrange
    const { sink, adapter } = await email();
    const mail = message({ to: 'parent@example.com' });
    await adapter.send(mail);

    // Act
    await adapter.send(mail);
    await adapter.close?.();

    // Assert
    expect(sink.deliveries.report().duplicates).toEqual({ [`<${mail.id}@school.example>`]: 2 });
  });

  test('when the server answers 451, then transient; 450 4.7.1 rate limit, then rate-limited; 550, then permanent for the recipient', async () => {
    // Arrange
    const { sink, adapter } = await email();
    sink.inject({ kind: 'transient', times: 1 });
    sink.inject({ kind: 'rate-limit', times: 1 });
    sink.inject({ kind: 'permanent', times: 1 });

    // Act
    const local = await failure(adapter.send(message({ to: 'a@example.com' })));
    const throttled = await failure(adapter.send(message({ to: 'b@example.com' })));
    const mailbox = await failure(adapter.send(message({ to: 'c@example.com' })));
    await adapter.close?.();

    // Assert
    expect(local).toMatchObject({ kind: 'transient', code: '451' });
    expect(throttled).toMatchObject({ kind: 'rate-limited', code: '450', retryAfterMs: 60_000 });
    expect(mailbox).toMatchObject({ kind: 'permanent', code: '550', recipient: true });
    expect(sink.deliveries.report().total).toBe(0);
  });

  test('when the password is wrong, then the 535 is permanent and not about the recipient', async () => {
    // Arrange
    const { sink, adapter } = await email({ password: 'wrong' });

    // Act
    const error = await failure(adapter.send(message({ to: 'parent@example.com' })));
    await adapter.close?.();

    // Assert
    expect(error).toMatchObject({ kind: 'permanent', code: '535', recipient: false });
    expect(sink.received).toHaveLength(0);
  });

  test('when the server never answers the data, then the adapter gives up at its deadline with an ambiguous transient error', async () => {
    // Arrange
    const { sink, adapter } = await email({ timeoutMs: SHORT_TIMEOUT_MS });
    sink.inject({ kind: 'timeout', deliver: true, delayMs: HOLD_MS });
    const started = Date.now();

    // Act
    const error = await failure(adapter.send(message({ to: 'parent@example.com' })));
    await adapter.close?.();

    // Assert
    expect(error).toMatchObject({ kind: 'transient', ambiguous: true });
    expect(Date.now() - started).toBeLessThan(HOLD_MS / 2);
    expect(sink.deliveries.report().total).toBe(1);
  });
});
