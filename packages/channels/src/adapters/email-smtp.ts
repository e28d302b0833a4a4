import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { ChannelError } from '../channel-error.ts';
import type { ChannelAdapter, OutgoingMessage, SendResult } from '../channel-types.ts';

export interface EmailSmtpOptions {
  host: string;
  port: number;
  /** true for implicit TLS (465); false upgrades with STARTTLS when the server offers it (587) */
  secure: boolean;
  user?: string;
  pass?: string;
  from: string;
  timeoutMs: number;
  /** refuse to send without TLS (real servers); the local sink speaks plain SMTP */
  requireTls?: boolean;
}

/** Reply texts mail servers use for throttling (Gmail 4.7.28, SES "Throttling failure", Exchange "too many"). */
const THROTTLING = /rate|throttl|too many|frequen|limit|4\.7\.(0|1|28)/i;
const BEFORE_DATA = new Set(['ECONNECTION', 'EDNS', 'EAUTH', 'ETLS', 'EENVELOPE']);

export function classifySmtpError(error: unknown): ChannelError {
  const e = error as { code?: string; responseCode?: number; response?: string; command?: string; message?: string };
  const code = e.responseCode ? String(e.responseCode) : e.code ?? 'smtp';
  const message = e.response ?? e.message ?? 'SMTP failure';
  const base = { channel: 'email' as const, code, message, cause: error };
  if (e.responseCode && e.responseCode >= 500) {
    // 535 and 530 are our credentials or TLS; 550–553 on RCPT are the address
    const recipient = e.code === 'EENVELOPE' || /^55[0-3]$/.test(code);
    return new ChannelError({ ...base, kind: 'permanent', recipient: recipient && code !== '535' && code !== '530' });
  }
  if (e.responseCode && e.responseCode >= 400) {
    return THROTTLING.test(message) ? new ChannelError({ ...base, kind: 'rate-limited', retryAfterMs: 60_000 }) : new ChannelError({ ...base, kind: 'transient' });
  }
  if (e.code === 'EAUTH') return new ChannelError({ ...base, kind: 'permanent' });
  // a connection lost or silent after the mail went out may have been queued by the server; nodemailer names every
  // timeout's command CONN, so only its messages tell a connect or greeting timeout (nothing sent) from a later one
  const beforeSending = BEFORE_DATA.has(e.code ?? '') || (e.code === 'ETIMEDOUT' && /connection timeout|greeting/i.test(e.message ?? ''));
  return new ChannelError({ ...base, kind: 'transient', ambiguous: !beforeSending });
}

/**
 * E-mail over SMTP with nodemailer (one pooled transport). SMTP has no idempotency key; the Message-ID is derived
 * from our message id, so a repeat is recognisable as the same mail by the sink, the recipient's server (Gmail
 * drops a second copy with the same Message-ID) and support.
 */
export function createEmailSmtpAdapter(options: EmailSmtpOptions): ChannelAdapter {
  const transport = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure,
    requireTLS: options.requireTls ?? false,
    ignoreTLS: options.requireTls === false && !options.secure,
    ...(options.user ? { auth: { user: options.user, pass: options.pass ?? '' } } : {}),
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    pool: true,
    maxConnections: 2,
  } satisfies SMTPPool.Options);
  const domain = /@([^>\s]+)>?$/.exec(options.from)?.[1] ?? 'localhost';

  return {
    channel: 'email',
    async send(message: OutgoingMessage): Promise<SendResult> {
      const messageId = `<${message.id}@${domain}>`;
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject ?? '',
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
          messageId,
          headers: message.traceId ? { 'X-Trace-Id': message.traceId } : {},
        });
        if (info.rejected.length > 0) {
          throw new ChannelError({ channel: 'email', kind: 'permanent', code: 'rejected', message: `rejected ${info.rejected.join(', ')}`, recipient: true });
        }
        return { providerMessageId: info.messageId };
      } catch (error) {
        if (error instanceof ChannelError) throw error;
        throw classifySmtpError(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}
