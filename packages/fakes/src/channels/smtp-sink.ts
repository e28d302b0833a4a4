import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { listenLocal, type ListeningFake } from '../listen-local.ts';
import { controlRouter } from './control-api.ts';
import { DeliveryLedger } from './delivery-ledger.ts';
import { DEFAULT_TIMEOUT_HOLD_MS, FaultInjector, type FaultHandle, type FaultRule } from './fault-injector.ts';
import { WindowCounter } from './window-limit.ts';

export interface SmtpSinkOptions {
  user?: string;
  password?: string;
  /** messages per minute before `450 4.7.1` rate limiting; default unlimited */
  perMinute?: number;
  now?: () => number;
}

export interface ReceivedMail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
}

export interface ListeningSmtpSink {
  host: string;
  port: number;
  /** `/__control` of the sink, as the HTTP fakes have it */
  controlUrl: string;
  close(): Promise<void>;
}

export interface SmtpSink {
  listen(port?: number, host?: string): Promise<ListeningSmtpSink>;
  user: string;
  password: string;
  inject(rule: FaultRule): FaultHandle;
  clearFaults(): void;
  deliveries: DeliveryLedger;
  received: ReceivedMail[];
  reset(): void;
}

type SmtpCallback = (error?: Error | null) => void;

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * A local SMTP server (the `smtp-server` package) that requires AUTH, parses what it is given and counts it by
 * Message-ID, so a mail sent twice shows as a duplicate. Faults answer DATA the way mail servers do: 451 (transient),
 * 450 4.7.1 (rate limit), 550 (permanent), or no answer at all (timeout).
 */
export function createSmtpSink(options: SmtpSinkOptions = {}): SmtpSink {
  const now = options.now ?? Date.now;
  const user = options.user ?? 'sink';
  const password = options.password ?? randomBytes(12).toString('base64url');
  const faults = new FaultInjector();
  const deliveries = new DeliveryLedger();
  const windows = new WindowCounter(now);
  const received: ReceivedMail[] = [];
  const held = new Set<NodeJS.Timeout>();
  const reset = () => {
    faults.clear();
    deliveries.reset();
    windows.reset();
    received.length = 0;
  };

  async function onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: SmtpCallback): Promise<void> {
    const mail = await simpleParser(stream);
    const messageId = mail.messageId ?? `<no-id-${randomBytes(6).toString('hex')}>`;
    const deliver = () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of mail.headers) headers[name] = typeof value === 'string' ? value : JSON.stringify(value);
      received.push({
        messageId,
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
        subject: mail.subject ?? '',
        text: mail.text ?? '',
        html: typeof mail.html === 'string' ? mail.html : null,
        headers,
      });
      for (const rcpt of session.envelope.rcptTo) deliveries.record({ key: messageId, at: now(), to: rcpt.address, providerId: messageId, body: mail.subject });
    };
    const rule = faults.take();
    if (rule?.kind === 'transient') return callback(smtpError(rule.status ?? 451, String(rule.code ?? '4.3.0 Temporary local problem, try again later')));
    if (rule?.kind === 'rate-limit') return callback(smtpError(450, String(rule.code ?? '4.7.1 Rate limit exceeded, try again later')));
    if (rule?.kind === 'permanent') return callback(smtpError(rule.status ?? 550, String(rule.code ?? '5.1.1 Mailbox unavailable')));
    if (rule?.kind === 'timeout') {
      if (rule.deliver) deliver();
      // no answer: the client's socket timeout has to notice
      const timer = setTimeout(() => {
        held.delete(timer);
        callback(smtpError(451, '4.4.2 Timeout'));
      }, rule.delayMs ?? DEFAULT_TIMEOUT_HOLD_MS);
      held.add(timer);
      return;
    }
    if (options.perMinute !== undefined && !windows.take('all', { max: options.perMinute, windowMs: 60_000 }).ok) {
      return callback(smtpError(450, '4.7.1 Rate limit exceeded, try again later'));
    }
    deliver();
    callback();
  }

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
    },
    onData(stream, session, callback) {
      onData(stream, session, callback).catch((error: Error) => callback(smtpError(451, `4.3.0 ${error.message}`)));
    },
  });

  return {
    user, password, deliveries, received, reset,
    inject: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    async listen(port = 0, host = '127.0.0.1') {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      const control = express();
      control.use('/__control', controlRouter({ faults, deliveries, reset }));
      const controlServer: ListeningFake = await listenLocal(control, 0, host);
      let closed: Promise<void> | undefined;
      return {
        host,
        port: (server.server.address() as AddressInfo).port,
        controlUrl: `${controlServer.url}/__control`,
        close: () => (closed ??= (async () => {
          for (const timer of held) clearTimeout(timer);
          held.clear();
          await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), controlServer.close()]);
        })()),
      };
    },
  };
}
