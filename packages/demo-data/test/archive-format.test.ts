import { describe, expect, it } from 'vitest';
import { generateArchive, generateSchool, groupMembers, MSGTYPE_BODY_KEY, VOTE_TOP_LEVEL_FIELDS, type MsgType } from '../src/index.ts';
import { archiveSample } from './archive-sample.ts';

const sample = archiveSample(20_000);

/** Fields each body must carry (WeCom's chat archive, https://developer.work.weixin.qq.com/document/path/91774). */
const BODY_FIELDS: Partial<Record<MsgType, readonly string[]>> = {
  text: ['content'], image: ['md5sum', 'filesize', 'sdkfileid'], voice: ['md5sum', 'voice_size', 'play_length', 'sdkfileid'],
  video: ['md5sum', 'filesize', 'play_length', 'sdkfileid'], file: ['md5sum', 'filename', 'fileext', 'filesize', 'sdkfileid'],
  emotion: ['type', 'width', 'height', 'imagesize', 'md5sum', 'sdkfileid'], link: ['title', 'description', 'link_url', 'image_url'],
  weapp: ['title', 'description', 'username', 'displayname'], card: ['corpname', 'userid'],
  location: ['longitude', 'latitude', 'address', 'title', 'zoom'], chatrecord: ['title', 'item'], todo: ['title', 'content'],
  collect: ['room_name', 'creator', 'create_time', 'title', 'details'], redpacket: ['type', 'wish', 'totalcnt', 'totalamount'],
  external_redpacket: ['type', 'wish', 'totalcnt', 'totalamount'],
  meeting: ['topic', 'starttime', 'endtime', 'address', 'remarks', 'meetingtype', 'meetingid', 'status'],
  docmsg: ['title', 'link_url', 'doc_creator'], markdown: ['content'], news: ['item'],
  calendar: ['title', 'creatorname', 'attendeename', 'starttime', 'endtime', 'place', 'remarks'], mixed: ['item'],
  agree: ['userid', 'agree_time'], disagree: ['userid', 'disagree_time'],
  meeting_voice_call: ['endtime', 'sdkfileid', 'demofiledata', 'sharescreendata'], voip_doc_share: ['filename', 'md5sum', 'filesize', 'sdkfileid'],
  sphfeed: ['feed_type', 'sph_name', 'feed_desc'], revoke: ['pre_msgid'],
};

describe('generateArchive: record format', () => {
  it('when 20,000 messages are asked for, then exactly 20,000 send records come, plus recalls and switches', () => {
    // Assert
    expect(sample.messages.length).toBe(20_000);
    expect(sample.summary.messages).toBe(20_000);
    expect(sample.summary.recalls).toBeGreaterThan(50);
    expect(sample.summary.switches).toBeGreaterThan(0);
    expect(sample.lines.length).toBe(20_000 + sample.summary.recalls + sample.summary.switches);
    expect(sample.lines.every((l) => typeof l !== 'string')).toBe(true);
  });

  it('when generated, then every msgtype appears with its body under the right key and the right fields', () => {
    // Arrange
    const byType = new Map<string, Record<string, unknown>>();
    for (const r of sample.records) if (typeof r.msgtype === 'string' && !byType.has(r.msgtype)) byType.set(r.msgtype, r);

    // Assert
    for (const [msgtype, key] of Object.entries(MSGTYPE_BODY_KEY) as [MsgType, string | null][]) {
      const record = byType.get(msgtype);
      expect(record, msgtype).toBeDefined();
      if (key === null) {
        for (const f of VOTE_TOP_LEVEL_FIELDS) expect(record, `vote.${f}`).toHaveProperty(f);
        continue;
      }
      const body = record![key] as Record<string, unknown>;
      expect(body, `${msgtype} → ${key}`).toBeTypeOf('object');
      for (const f of BODY_FIELDS[msgtype] ?? []) expect(body, `${msgtype}.${f}`).toHaveProperty(f);
    }
    expect(byType.get('docmsg')).toHaveProperty('doc');
    expect(byType.get('markdown')).toHaveProperty('info.content');
    expect(byType.get('news')).toHaveProperty('info.item');
    expect(byType.get('external_redpacket')).toHaveProperty('redpacket');
    expect(byType.get('meeting_voice_call')).toHaveProperty('voiceid');
    expect(byType.get('voip_doc_share')).toHaveProperty('voipid');
  });

  it('when generated, then text dominates and the rare types stay rare', () => {
    // Arrange
    const count = (t: string) => sample.messages.filter((m) => m.msgtype === t).length;

    // Assert
    expect(count('text') / sample.messages.length).toBeGreaterThan(0.65);
    expect(count('image')).toBeGreaterThan(count('file'));
    expect(count('meeting_voice_call')).toBeLessThan(count('image') / 10);
  });

  it('when chat records and mixed messages are generated, then their item contents are JSON strings', () => {
    // Arrange
    const chat = sample.messages.find((m) => m.msgtype === 'chatrecord')!.chatrecord as { item: { content: unknown }[] };
    const mixed = sample.messages.find((m) => m.msgtype === 'mixed')!.mixed as { item: { type: string; content: unknown }[] };

    // Assert
    for (const item of [...chat.item, ...mixed.item]) {
      expect(item.content).toBeTypeOf('string');
      expect(() => JSON.parse(item.content as string)).not.toThrow();
    }
  });

  it('when generated, then seq strictly increases and msgtime never goes back by more than the recall delay', () => {
    // Arrange
    let lastSeq = 0;
    let lastTime = 0;
    let backwards = 0;

    // Act
    for (const r of sample.records) {
      expect(r.seq as number).toBeGreaterThan(lastSeq);
      lastSeq = r.seq as number;
      const t = Number(r.action === 'switch' ? r.time : r.msgtime);
      if (t < lastTime) backwards = Math.max(backwards, lastTime - t);
      lastTime = Math.max(lastTime, t);
    }

    // Assert
    expect(backwards).toBeLessThanOrEqual(120_000);
  });

  it('when generated, then msgids are unique, base64-like, and end in _external for chats with external people', () => {
    // Arrange
    const ids = sample.records.map((r) => r.msgid as string);

    // Assert
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{24}(_external)?$/);
    const external = sample.messages.filter((m) => (m.from as string).startsWith('wm'));
    expect(external.every((m) => (m.msgid as string).endsWith('_external'))).toBe(true);
    expect(ids.some((id) => !id.endsWith('_external'))).toBe(true);
  });

  it('when generated, then msgtime is epoch milliseconds, occasionally a numeric string, and filesize sometimes a string', () => {
    // Arrange
    const stringTimes = sample.messages.filter((m) => typeof m.msgtime === 'string');
    const stringSizes = sample.messages.filter((m) => typeof (m.image as { filesize?: unknown } | undefined)?.filesize === 'string');

    // Assert
    expect(sample.messages.every((m) => /^\d{13}$/.test(String(m.msgtime)))).toBe(true);
    expect(stringTimes.length).toBeGreaterThan(0);
    expect(stringTimes.length / sample.messages.length).toBeLessThan(0.02);
    expect(stringSizes.length).toBeGreaterThan(0);
  });

  it('when a message is recalled, then the recall points at an earlier message of the same sender, seconds to 2 min later', () => {
    // Arrange
    const sent = new Map(sample.messages.map((m, i) => [m.msgid as string, { m, i }]));
    const position = new Map(sample.records.map((r, i) => [r.msgid as string, i]));
    const recalls = sample.records.filter((r) => r.action === 'recall');

    // Assert
    expect(recalls.length).toBeGreaterThan(0);
    for (const r of recalls) {
      expect(r.msgtype).toBe('revoke');
      const pre = (r.revoke as { pre_msgid: string }).pre_msgid;
      const target = sent.get(pre);
      expect(target, pre).toBeDefined();
      expect(target!.m.from).toBe(r.from);
      expect(target!.m.roomid).toBe(r.roomid);
      expect(position.get(pre)!).toBeLessThan(position.get(r.msgid as string)!);
      const delay = Number(r.msgtime) - Number(target!.m.msgtime);
      expect(delay).toBeGreaterThanOrEqual(3_000);
      expect(delay).toBeLessThanOrEqual(120_000);
    }
  });

  it('when a switch record is generated, then it has only msgid, action, time and user (plus seq)', () => {
    // Arrange
    const switches = sample.records.filter((r) => r.action === 'switch');

    // Assert
    expect(switches.length).toBeGreaterThan(0);
    for (const s of switches) {
      expect(Object.keys(s).sort()).toEqual(['action', 'msgid', 'seq', 'time', 'user']);
      expect(s.time).toBeTypeOf('number');
    }
  });

  it('when a message is 1:1, then roomid is "" and there is exactly one receiver', () => {
    // Arrange
    const direct = sample.messages.filter((m) => m.roomid === '');

    // Assert
    expect(direct.length / sample.messages.length).toBeGreaterThan(0.2);
    for (const m of direct) {
      expect(m.tolist).toHaveLength(1);
      expect((m.tolist as string[])[0]).not.toBe(m.from);
    }
  });

  it('when a message is in a group, then tolist is every other member of that group', () => {
    // Arrange
    const members = groupMembers(sample.school);
    const group = sample.messages.filter((m) => m.roomid !== '');

    // Assert
    expect(group.length / sample.messages.length).toBeGreaterThan(0.5);
    for (const m of group.slice(0, 2_000)) {
      const all = members.get(m.roomid as string);
      expect(all, m.roomid as string).toBeDefined();
      expect(all).toContain(m.from);
      expect([...(m.tolist as string[])].sort()).toEqual(all!.filter((id) => id !== m.from).sort());
    }
  });

  it('when generated, then many group members never speak and appear only in tolist', () => {
    // Arrange
    const senders = new Set(sample.messages.map((m) => m.from as string));
    const receivers = new Set(sample.messages.filter((m) => m.roomid !== '').flatMap((m) => m.tolist as string[]));

    // Act
    const silent = [...receivers].filter((id) => !senders.has(id));

    // Assert
    expect(silent.length).toBeGreaterThan(sample.school.parents.length * 0.25);
    const silentParents = sample.school.parents.filter((p) => p.activity === 0).map((p) => p.externalId);
    for (const id of silentParents) expect(senders.has(id)).toBe(false);
  });

  it('when generated twice with the same seed, then the lines are identical; with another seed they differ', () => {
    // Arrange
    const school = generateSchool();
    const take = (seed: number) => [...generateArchive(school, { messages: 3_000, seed })].map((l) => JSON.stringify(l));

    // Act
    const a = take(5);
    const b = take(5);
    const c = take(6);

    // Assert
    expect(b).toEqual(a);
    expect(c.slice(0, 50)).not.toEqual(a.slice(0, 50));
  });

  it('when asked for a billion messages, then the first record comes at once (nothing is precomputed per message)', () => {
    // Arrange
    const started = Date.now();
    const it = generateArchive(generateSchool(), { messages: 1_000_000_000 });

    // Act
    const first = it.next();

    // Assert
    expect(first.done).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('when options are out of range, then a RangeError names the option', () => {
    // Arrange
    const school = generateSchool();

    // Act / Assert
    expect(() => generateArchive(school, { messages: -1 }).next()).toThrow(/messages/);
    expect(() => generateArchive(school, { messages: 10, months: 0 }).next()).toThrow(/months/);
    expect(() => generateArchive(school, { messages: 10, faults: 2 }).next()).toThrow(/faults/);
  });
});
