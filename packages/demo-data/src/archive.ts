import { Rng, encodeFixed, hashUnit, scramble36 } from './random.ts';
import {
  BEIJING_OFFSET_MS, DAY_MS, HOUR_MS, beijingTime, floorToBeijingHour, greetingOf, holidayFactor, monthsBefore, seasonOf,
} from './calendar.ts';
import { buildArchiveModel } from './archive-model.ts';
import { ConversationPicker, type Turn } from './conversations.ts';
import { MSGTYPE_CHOICE } from './msgtype-mix.ts';
import { type BodyScene, addBody } from './bodies.ts';
import { FAULT_KINDS, type FaultKind, faultLine } from './faults.ts';
import type { TextScene } from './text.ts';
import type { DemoSchool } from './school-types.ts';

export interface ArchiveOptions {
  /** exactly this many `send` records; recalls, switches and fault lines come on top */
  messages: number;
  seed?: number;
  /** end of the history (exclusive); default a fixed date so output is reproducible */
  endAt?: Date;
  /** length of the history in calendar months, default 13 */
  months?: number;
  /** share of extra broken lines per message, 0–1, default 0 (see faults.ts) */
  faults?: number;
}

/** A well-formed record (object) or a deliberately broken raw line (string, to be written verbatim). */
export type ArchiveLine = Record<string, unknown> | string;

export interface ArchiveSummary {
  messages: number;
  recalls: number;
  switches: number;
  faults: Record<FaultKind, number>;
  /** all yielded lines */
  lines: number;
  lastSeq: number;
  minMsgtime: number | null;
  maxMsgtime: number | null;
  startAt: Date;
  endAt: Date;
}

export const DEFAULT_END_AT = new Date('2026-01-01T00:00:00+08:00');
export const DEFAULT_MONTHS = 13;

const RECALL_RATE = 0.008;
const SWITCH_RATE = 0.0008;
const STRING_MSGTIME_RATE = 0.003;

interface PendingRecall {
  at: number;
  from: string;
  tolist: string[];
  roomid: string;
  preMsgid: string;
  external: boolean;
}

/** Throws a RangeError naming the first bad option. */
export function validateArchiveOptions(o: ArchiveOptions): void {
  if (!Number.isSafeInteger(o.messages) || o.messages < 0) throw new RangeError(`messages must be a non-negative integer, got ${o.messages}`);
  if (o.months !== undefined && (!Number.isInteger(o.months) || o.months < 1 || o.months > 120)) throw new RangeError(`months must be an integer from 1 to 120, got ${o.months}`);
  if (o.faults !== undefined && !(o.faults >= 0 && o.faults <= 1)) throw new RangeError(`faults must be a fraction from 0 to 1, got ${o.faults}`);
  if (o.endAt !== undefined && Number.isNaN(o.endAt.getTime())) throw new RangeError('endAt is not a valid date');
  if (o.seed !== undefined && !Number.isInteger(o.seed)) throw new RangeError(`seed must be an integer, got ${o.seed}`);
}

/**
 * Streams a synthetic plaintext chat archive in `seq` order. Memory does not grow with `messages`: the
 * only state is the school model, one weight per hour of history and a handful of pending recalls.
 */
export function* generateArchive(school: DemoSchool, options: ArchiveOptions): Generator<ArchiveLine, ArchiveSummary, undefined> {
  validateArchiveOptions(options);
  const seed = options.seed ?? school.seed;
  const total = options.messages;
  const faultRate = options.faults ?? 0;
  const endMs = (options.endAt ?? DEFAULT_END_AT).getTime();
  const startMs = floorToBeijingHour(monthsBefore(endMs, options.months ?? DEFAULT_MONTHS));
  const model = buildArchiveModel(school);
  const rng = new Rng(seed, 11);
  // faults draw from their own stream, so adding faults leaves every other record's content unchanged
  const faultRng = new Rng(seed, 12);

  const hours = Math.ceil((endMs - startMs) / HOUR_MS);
  const picker = new ConversationPicker(model, hours);
  const weights = new Float64Array(hours);
  let weightSum = 0;
  for (let h = 0; h < hours; h++) {
    const t0 = startMs + h * HOUR_MS;
    const bt = beijingTime(t0);
    const day = Math.floor((t0 + BEIJING_OFFSET_MS) / DAY_MS);
    const growth = 0.7 + (0.3 * (t0 - startMs)) / (endMs - startMs);
    const noise = 0.8 + 0.4 * hashUnit(seed, day);
    const fraction = Math.min(1, (endMs - t0) / HOUR_MS);
    const w = (model.hourWeights[seasonOf(bt)][bt.weekday * 24 + bt.hour] as number) * holidayFactor(bt) * growth * noise * fraction;
    weights[h] = w;
    weightSum += w;
  }

  const summary: ArchiveSummary = {
    messages: 0, recalls: 0, switches: 0, faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
    lines: 0, lastSeq: 0, minMsgtime: null, maxMsgtime: null, startAt: new Date(startMs), endAt: new Date(endMs),
  };
  let seq = 0;
  const pending: PendingRecall[] = [];
  // the scrambled seq keeps msgids unique; the random part makes them look like the archive's own
  const msgid = (r: Rng, external: boolean) => `${r.base64(18)}${encodeFixed(scramble36(seq), 6)}${external ? '_external' : ''}`;
  const seen = (t: number) => {
    if (summary.minMsgtime === null || t < summary.minMsgtime) summary.minMsgtime = t;
    if (summary.maxMsgtime === null || t > summary.maxMsgtime) summary.maxMsgtime = t;
  };
  const recallRecord = (p: PendingRecall): Record<string, unknown> => {
    seq++;
    summary.recalls++;
    seen(p.at);
    return { seq, msgid: msgid(rng, p.external), action: 'recall', from: p.from, tolist: p.tolist, roomid: p.roomid, msgtime: p.at, msgtype: 'revoke', revoke: { pre_msgid: p.preMsgid } };
  };

  const turn = { tolist: [] as string[] } as unknown as Turn;
  const text: TextScene = { child: '', kids: [], teacher: '', className: '', weekday: '', time: '', msgtime: 0 };
  const scene: BodyScene = {
    rng, text, corpName: model.corpName, staffIds: model.staffIds, from: '', fromName: '', otherId: '', otherName: '', roomName: '',
    textContext: 'parentGroup', greeting: null, msgtime: 0,
  };

  let cumulative = 0;
  let emitted = 0;
  for (let h = 0; h < hours && emitted < total; h++) {
    cumulative += weights[h] as number;
    const target = h === hours - 1 ? total : Math.min(total, Math.round((cumulative / weightSum) * total));
    const count = target - emitted;
    if (count <= 0) continue;
    const t0 = startMs + h * HOUR_MS;
    const span = Math.min(HOUR_MS, endMs - t0);
    const bt = beijingTime(t0);
    const hourOfWeek = bt.weekday * 24 + bt.hour;
    const season = seasonOf(bt);
    const greeting = greetingOf(bt);
    // sorted uniform times within the hour, one at a time (order statistics), so nothing is buffered
    let u = 0;
    for (let i = 0; i < count; i++) {
      u += (1 - u) * (1 - Math.pow(rng.float(), 1 / (count - i)));
      const t = t0 + Math.floor(u * span);
      while (pending.length > 0 && (pending[0] as PendingRecall).at <= t) {
        const line = recallRecord(pending.shift() as PendingRecall);
        summary.lines++;
        yield line;
      }

      picker.next(rng, season, hourOfWeek, h, turn);
      const msgtype = MSGTYPE_CHOICE[turn.slot].sample(rng);
      seq++;
      const id = msgid(rng, turn.external);
      const record: Record<string, unknown> = {
        seq, msgid: id, action: 'send', from: turn.from.id, tolist: turn.tolist, roomid: turn.roomid,
        msgtime: rng.chance(STRING_MSGTIME_RATE) ? String(t) : t, msgtype,
      };
      text.child = turn.child;
      text.kids = turn.kids;
      text.teacher = turn.teacher;
      text.className = turn.className;
      text.weekday = turn.weekday;
      text.time = turn.time;
      text.msgtime = t;
      scene.from = turn.from.id;
      scene.fromName = turn.from.name;
      scene.otherId = turn.other.id;
      scene.otherName = turn.other.name;
      scene.roomName = turn.roomName;
      scene.textContext = turn.textContext;
      scene.greeting = greeting;
      scene.msgtime = t;
      addBody(record, msgtype, scene);
      emitted++;
      summary.messages++;
      summary.lines++;
      seen(t);
      yield record;

      if (msgtype !== 'agree' && msgtype !== 'disagree' && rng.chance(RECALL_RATE)) {
        const at = t + rng.range(3_000, 120_000);
        if (at < endMs) insertSorted(pending, { at, from: turn.from.id, tolist: [...turn.tolist], roomid: turn.roomid, preMsgid: id, external: turn.external });
      }
      if (rng.chance(SWITCH_RATE)) {
        seq++;
        summary.switches++;
        summary.lines++;
        yield { seq, msgid: msgid(rng, false), action: 'switch', time: t, user: model.staffIds[rng.int(model.staffIds.length)] };
      }
      if (faultRate > 0 && faultRng.float() < faultRate) {
        const kind = FAULT_KINDS[faultRng.int(FAULT_KINDS.length)] as FaultKind;
        seq++;
        const base = {
          seq, msgid: msgid(faultRng, turn.external), action: 'send', from: turn.from.id, tolist: turn.tolist, roomid: turn.roomid,
          msgtime: t, msgtype: 'text', text: { content: msgtype === 'text' ? (record.text as { content: string }).content : '收到' },
        };
        summary.faults[kind]++;
        summary.lines++;
        yield faultLine(kind, base, faultRng);
      }
    }
  }
  while (pending.length > 0) {
    const line = recallRecord(pending.shift() as PendingRecall);
    summary.lines++;
    yield line;
  }
  summary.lastSeq = seq;
  return summary;
}

function insertSorted(list: PendingRecall[], item: PendingRecall): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] as PendingRecall).at > item.at) i--;
  list.splice(i, 0, item);
}
