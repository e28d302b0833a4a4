import { withAdvisoryLock, withTransaction, type Pool } from '@doitcrm/kit';
import { generateSchool, Rng } from '@doitcrm/demo-data';
import type { DispatchChannel } from '@doitcrm/types';
import type { Template } from '../contract.ts';
import { rollUpDay } from '../data-access/daily-stats-repository.ts';
import { insertHistoricMessages, noMessagesYet, type HistoricMessage } from '../data-access/demo-history-repository.ts';
import type { TraceEventRow } from '../data-access/trace-events.ts';
import { writeTraceEvents } from '../data-access/trace-events.ts';
import { listTemplates } from '../data-access/template-repository.ts';
import { RETRY_STEPS_MS } from '../queue/topology.ts';
import { seedDemoAlertRules } from './demo-alert-rules.ts';

const DEMO_SEED = 16;
const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;
const CHANNEL_SHARE: Record<DispatchChannel, number> = { sms: 35, wecom_app: 20, email: 12, wechat_oa: 10, app_webhook: 10, wecom_robot: 8, feishu_bot: 5 };
const LATENCY_MS: Record<DispatchChannel, number> = { sms: 180, email: 450, wecom_app: 120, wecom_robot: 150, wechat_oa: 200, feishu_bot: 160, app_webhook: 90 };
const PERMANENT_ERROR: Record<DispatchChannel, string> = {
  sms: 'isv.MOBILE_NUMBER_ILLEGAL', email: '550 5.1.1 Mailbox unavailable', wecom_app: '81013 user & party & tag all invalid',
  wecom_robot: '93000 invalid webhook url', wechat_oa: '43004 require subscribe', feishu_bot: '19021 sign match fail', app_webhook: 'HTTP 410',
};
// sends are busiest in office hours and after school, Beijing time
const HOUR_WEIGHT = [0, 0, 0, 0, 0, 0, 1, 3, 6, 8, 8, 7, 5, 6, 7, 8, 9, 10, 8, 6, 4, 2, 1, 0];

type Event = Omit<TraceEventRow, 'messageId'> & { key: number };

/** A UUID drawn from the seeded generator, so one seed and clock give the same history. */
function seededUuid(rng: Rng): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const beijingDayOf = (ms: number) => new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);

function weighted<T extends string | number>(rng: Rng, weights: ReadonlyArray<readonly [T, number]>): T {
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  let roll = rng.float() * total;
  for (const [value, w] of weights) if ((roll -= w) < 0) return value;
  return weights[weights.length - 1]![0];
}

/** Synthetic recipients only: the demo school's obviously fake phones and ids, example.com addresses, labels. */
function recipientMaker(rng: Rng) {
  const school = generateSchool();
  return (channel: DispatchChannel): string => {
    switch (channel) {
      case 'sms': return rng.pick(school.parents).phone;
      case 'email': return `parent${rng.int(school.parents.length)}@example.com`;
      case 'wecom_app': return rng.pick(school.staff).userId;
      case 'wechat_oa': return `oDEMO${rng.base64(23)}`;
      case 'wecom_robot': return rng.pick(['校长群', '教务群', '三年级教研群']);
      case 'feishu_bot': return rng.pick(['运维告警群', '校区运营群']);
      case 'app_webhook': return `app-user-${rng.range(1000, 9999)}`;
    }
  };
}

function variablesFor(rng: Rng, template: Template): Record<string, string | number | boolean> {
  const values: Record<string, string | number | boolean> = { ...template.sampleVariables };
  for (const name of template.variables) {
    if (name === 'code') values[name] = rng.digits(6);
    else if (name === 'order_no') values[name] = `2026${rng.digits(8)}`;
    else values[name] ??= '示例';
  }
  return values;
}

interface Builder { rng: Rng; messages: HistoricMessage[]; events: Event[]; recipient: (channel: DispatchChannel) => string; templates: Map<number, Template> }

/** One message's life: its row and its trace events, from its outcome; a permanent failure with a fallback adds the fallback. */
function addMessage(b: Builder, template: Template, batchId: string, at: number, recipient: string, fallbackOfKey: number | null = null): void {
  const { rng } = b;
  const channel = template.channel;
  const key = b.messages.length;
  const traceId = seededUuid(rng);
  const latency = () => Math.max(20, Math.round(LATENCY_MS[channel] * Math.exp(rng.normal() * 0.5)));
  const event = (stage: Event['stage'], ms: number, detail: Record<string, unknown> = {}) => b.events.push({ key, traceId, stage, at: new Date(ms), detail });
  // named as the send record names them (the SMS router's adapter), so receipts and searches read them alike
  const provider = channel === 'sms' ? (rng.chance(0.7) ? 'sms_aliyun' : 'sms_tencent') : channel;
  const roll = rng.float();
  let t = at;
  let attempts = 1;
  event('queued', t, fallbackOfKey === null ? {} : { reason: 'fallback' });
  if (roll >= 0.90 && roll < 0.94) {
    event('processing', (t += rng.range(5, 40)), { attempt: 1 });
    event('retry', (t += latency()), { attempt: 1, kind: 'transient', error: channel === 'sms' ? 'isp.SYSTEM_ERROR' : 'HTTP 503', retryInMs: RETRY_STEPS_MS[0] });
    t += RETRY_STEPS_MS[0];
    attempts = 2;
  } else if (roll >= 0.94 && roll < 0.965) {
    event('deferred', (t += rng.range(5, 40)), { reason: 'rate_limited', scope: 'recipient', dueAt: new Date(t + 60_000).toISOString() });
    event('queued', (t += 60_000), { reason: 'due' });
  }
  const failed = roll >= 0.965;
  const transientGaveUp = roll >= 0.985;
  event('processing', (t += rng.range(5, 40)), { attempt: attempts });
  if (transientGaveUp) {
    for (const step of RETRY_STEPS_MS) {
      event('retry', (t += latency()), { attempt: attempts, kind: 'transient', error: 'HTTP 503', retryInMs: step });
      attempts += 1;
      event('processing', (t += step), { attempt: attempts });
    }
  }
  t += latency();
  const error = transientGaveUp ? 'HTTP 503 Service Unavailable' : PERMANENT_ERROR[channel];
  if (failed) event('failed', t, { attempt: attempts, kind: transientGaveUp ? 'transient' : 'permanent', error });
  else event('sent', t, { attempt: attempts, provider, latencyMs: t - at });
  // receipts as the real path leaves them: SMS mostly delivered, a few numbers out of service, some never reported;
  // an app webhook's 2xx is its delivery; the other channels send no receipt
  let delivery: Pick<HistoricMessage, 'deliveryStatus' | 'deliveredAt' | 'deliveryError'> = { deliveryStatus: failed ? null : 'unknown', deliveredAt: null, deliveryError: null };
  if (!failed && channel === 'sms') {
    const verdict = rng.float();
    if (verdict < 0.92) {
      const when = t + rng.range(2_000, 20_000);
      const delivered = verdict < 0.89;
      const error = delivered ? null : 'UNDELIV 用户停机或空号';
      event('callback', when, { provider, delivered, reportedAt: new Date(when).toISOString(), ...(error ? { error } : {}) });
      delivery = { deliveryStatus: delivered ? 'delivered' : 'undelivered', deliveredAt: new Date(when).toISOString(), deliveryError: error };
    }
  } else if (!failed && channel === 'app_webhook') {
    delivery = { deliveryStatus: 'delivered', deliveredAt: new Date(t).toISOString(), deliveryError: null };
  }
  b.messages.push({
    key, batchId, traceId, templateId: template.id, channel, recipient, variables: variablesFor(rng, template),
    priority: template.name.includes('验证码') ? 9 : channel === 'wecom_robot' || channel === 'feishu_bot' ? 7 : 5,
    status: failed ? 'failed' : 'sent', attempts, lastError: failed ? error : null, lastErrorKind: failed ? (transientGaveUp ? 'transient' : 'permanent') : null,
    provider, providerMessageId: failed ? null : rng.hex(16), fallbackOfKey, createdAt: new Date(at).toISOString(), queuedAt: new Date(at).toISOString(),
    sentAt: failed ? null : new Date(t).toISOString(), updatedAt: new Date(t).toISOString(), ...delivery,
  });
  const fallback = template.fallbackTemplateId === null ? undefined : b.templates.get(template.fallbackTemplateId);
  if (failed && !transientGaveUp && fallback && fallbackOfKey === null) {
    event('fallback', t + 5, { fallbackTemplateId: fallback.id, fallbackChannel: fallback.channel });
    addMessage(b, fallback, batchId, t + 10, b.recipient(fallback.channel), key);
  }
}

/** Sends over the 7 days before `now` (singles and batches of 5–60), about `count` messages in all. */
export function buildDemoHistory(templates: Template[], now: number, count: number, seed = DEMO_SEED): { messages: HistoricMessage[]; events: Event[] } {
  const rng = new Rng(seed, 16);
  const b: Builder = { rng, messages: [], events: [], recipient: recipientMaker(new Rng(seed, 17)), templates: new Map(templates.map((t) => [t.id, t])) };
  const usable = templates.filter((t) => t.active);
  const channels = Object.entries(CHANNEL_SHARE).filter(([channel]) => usable.some((t) => t.channel === channel)) as Array<[DispatchChannel, number]>;
  const todayStart = Date.parse(`${beijingDayOf(now)}T00:00:00+08:00`);
  while (b.messages.length < count && channels.length > 0) {
    const channel = weighted(rng, channels);
    const template = rng.pick(usable.filter((t) => t.channel === channel));
    const at = todayStart - rng.range(0, 7) * DAY_MS + weighted(rng, HOUR_WEIGHT.map((w, hour) => [hour, w] as const)) * 3_600_000 + rng.int(3_600_000);
    // a send's whole life (up to ~13 min of back-off) must be over before now: the demo has no future traces
    if (at > now - 20 * 60_000) continue;
    const batchId = seededUuid(rng);
    const size = rng.chance(0.65) ? 1 : rng.range(5, 60);
    for (let i = 0; i < size; i += 1) addMessage(b, template, batchId, at + i * 25, b.recipient(channel));
  }
  return { messages: b.messages, events: b.events };
}

export interface DemoHistoryResult { messages: number; traceEvents: number; statsDays: number; alertRules: number }

/**
 * Fills an empty dispatcher with a week of synthetic sends (failures, retries, deferrals, fallbacks, their traces)
 * and its daily statistics, plus the demo alert rules, so the monitor has something to show on first start. One
 * writer across instances; with any message already recorded it writes no history.
 */
export async function seedDemoHistory(pool: Pool, options: { now?: Date; messages?: number } = {}): Promise<DemoHistoryResult> {
  const result = await withAdvisoryLock(pool, 'dispatcher.demo-history', async () => {
    const alertRules = await seedDemoAlertRules(pool);
    if (!(await noMessagesYet(pool))) return { messages: 0, traceEvents: 0, statsDays: 0, alertRules };
    const now = (options.now ?? new Date()).getTime();
    const { messages, events } = buildDemoHistory(await listTemplates(pool, {}), now, options.messages ?? 3_000);
    const days = Array.from({ length: 7 }, (_, i) => beijingDayOf(now - (7 - i) * DAY_MS));
    await withTransaction(pool, async (client) => {
      const ids = await insertHistoricMessages(client, messages);
      await writeTraceEvents(client, events.map(({ key, ...event }) => ({ ...event, messageId: ids.get(key)! })));
      for (const day of days) await rollUpDay(client, day);
    });
    return { messages: messages.length, traceEvents: events.length, statsDays: days.length, alertRules };
  }, { wait: true });
  return result.acquired ? result.value : { messages: 0, traceEvents: 0, statsDays: 0, alertRules: 0 };
}
