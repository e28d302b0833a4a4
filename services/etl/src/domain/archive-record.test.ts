import { describe, expect, it } from 'vitest';
import { leadingMsgid, normaliseLine, parseEpochMs, parseToList } from './archive-record.ts';

function rowOf(record: Record<string, unknown> | string) {
  const outcome = normaliseLine(typeof record === 'string' ? record : JSON.stringify(record), 7);
  if (outcome.kind !== 'row') throw new Error(`expected a row, got ${JSON.stringify(outcome)}`);
  return outcome.row;
}

const base = { msgid: 'm1', action: 'send', from: 'wmA', tolist: ['t1'], roomid: 'wrR', msgtime: 1704100000123 };

describe('normaliseLine: body keys (external-apis §1.9)', () => {
  it.each([
    ['text', 'text', { content: '老师好' }],
    ['image', 'image', { md5sum: 'x', filesize: 10, sdkfileid: 'f' }],
    ['file', 'file', { filename: '作业.pdf', fileext: 'pdf', filesize: '2048', md5sum: 'x', sdkfileid: 'f' }],
    ['docmsg', 'doc', { title: '作业', link_url: 'https://doc.example/1', doc_creator: 't1' }],
    ['markdown', 'info', { content: '**通知**' }],
    ['news', 'info', { item: [{ title: '活动', description: 'd', url: 'https://e.example', picurl: 'https://e.example/p' }] }],
    ['external_redpacket', 'redpacket', { type: 1, wish: '恭喜', totalcnt: 1, totalamount: 100 }],
    ['chatrecord', 'chatrecord', { title: '群聊记录', item: [{ type: 'ChatRecordText', msgtime: 1, content: '{"content":"hi"}', from_chatroom: true }] }],
    ['mixed', 'mixed', { item: [{ type: 'text', content: '{"content":"图文"}' }] }],
  ])('when the msgtype is %s, then the payload is the body under key %s', (msgtype, key, body) => {
    const row = rowOf({ ...base, msgtype, [key]: body });

    expect(JSON.parse(row.payloadJson!)).toEqual(body);
  });

  it('when the msgtype is vote, then the top-level vote fields become the payload', () => {
    const row = rowOf({ ...base, msgtype: 'vote', votetitle: '周末加课？', voteitem: ['好', '不好'], votetype: 101, voteid: 'v1' });

    expect(JSON.parse(row.payloadJson!)).toEqual({ votetitle: '周末加课？', voteitem: ['好', '不好'], votetype: 101, voteid: 'v1' });
  });

  it('when the msgtype is meeting_voice_call, then the top-level voiceid is kept with the body', () => {
    const row = rowOf({ ...base, msgtype: 'meeting_voice_call', voiceid: 'vc1', meeting_voice_call: { endtime: 5, sdkfileid: 'f' } });

    expect(JSON.parse(row.payloadJson!)).toEqual({ endtime: 5, sdkfileid: 'f', voiceid: 'vc1' });
  });

  it('when the msgtype is unknown and has no key of its name, then every non-common field is kept as its body', () => {
    const row = rowOf({ ...base, msgtype: 'brand_new_type', brand_new: { x: 1 }, extra: 'y' });

    expect(JSON.parse(row.payloadJson!)).toEqual({ brand_new: { x: 1 }, extra: 'y' });
    expect(JSON.parse(row.rawJson)).toMatchObject({ msgtype: 'brand_new_type', extra: 'y' });
  });
});

describe('normaliseLine: fields', () => {
  it('when roomid is empty, then the chat is 1:1 and room_id is null (never "")', () => {
    expect(rowOf({ ...base, roomid: '', msgtype: 'text', text: { content: 'x' } }).roomId).toBeNull();
  });

  it('when msgtime is a numeric string, then it is read as epoch milliseconds', () => {
    expect(rowOf({ ...base, msgtime: '1704100000123', msgtype: 'text', text: {} }).msgtimeMs).toBe(1704100000123);
  });

  it('when tolist is a string, then it is split into ids', () => {
    expect(rowOf({ ...base, tolist: 'wmA, wmB;wmC', msgtype: 'text', text: {} }).toIds).toEqual(['wmA', 'wmB', 'wmC']);
    expect(rowOf({ ...base, tolist: '["wmA","wmB"]', msgtype: 'text', text: {} }).toIds).toEqual(['wmA', 'wmB']);
  });

  it('when a string holds raw control characters, then the line loads and keeps them', () => {
    const line = `{"msgid":"c1","action":"send","from":"wmA","tolist":[],"roomid":"","msgtime":1704100000123,"msgtype":"text","text":{"content":"第一行\nsecond\tcol\u0001"}}`;

    const row = rowOf(line);

    expect(JSON.parse(row.payloadJson!).content).toBe('第一行\nsecond\tcol\u0001');
    expect(JSON.parse(row.rawJson).text.content).toBe('第一行\nsecond\tcol\u0001');
  });

  it('when a string holds an escaped NUL, then it is replaced so PostgreSQL can store it', () => {
    const row = rowOf('{"msgid":"n1","action":"send","from":"wmA","tolist":[],"roomid":"","msgtime":1704100000123,"msgtype":"text","text":{"content":"a\\u0000b"}}');

    expect(JSON.parse(row.payloadJson!).content).toBe('a\uFFFDb');
  });

  it('when the record is a switch, then its time and user are used and it is typed switch', () => {
    const row = rowOf({ msgid: 's1', action: 'switch', time: 1704100003000, user: 'teacher02' });

    expect(row).toMatchObject({ action: 'switch', msgtype: 'switch', msgtimeMs: 1704100003000, fromId: 'teacher02', roomId: null, toIds: [] });
  });

  it('when a revoke has no action, then it is a recall', () => {
    expect(rowOf({ ...base, action: undefined, msgtype: 'revoke', revoke: { pre_msgid: 'm0' } }).action).toBe('recall');
  });
});

describe('normaliseLine: quarantine reasons name the problem', () => {
  it.each([
    ['not json at all', /not valid JSON/],
    ['[1,2]', /not a JSON object/],
    [JSON.stringify({ action: 'send', msgtype: 'text', msgtime: 1704100000123 }), /field msgid/],
    [JSON.stringify({ msgid: 'x', action: 'send', msgtime: 1704100000123 }), /field msgtype/],
    [JSON.stringify({ msgid: 'x', action: 'send', msgtype: 'text', msgtime: 'yesterday' }), /field msgtime/],
    [JSON.stringify({ msgid: 'x', action: 'send', msgtype: 'text', msgtime: 1704100000123, tolist: 5 }), /field tolist/],
    [JSON.stringify({ msgid: 'x', action: 'switch', user: 'u' }), /field time/],
  ])('when the line is %s, then it is quarantined with a reason', (line, reason) => {
    const outcome = normaliseLine(line, 3);

    expect(outcome.kind).toBe('quarantine');
    expect(outcome.kind === 'quarantine' && outcome.reason).toMatch(reason);
  });

  it('when a broken line starts with its seq, then the quarantine keeps that seq', () => {
    const outcome = normaliseLine('{"seq":4711,"msgid":"x","text":{"content":"unterminated', 9);

    expect(outcome).toMatchObject({ kind: 'quarantine', seq: 4711 });
  });

  it('when the line is blank, then it is neither a row nor quarantined', () => {
    expect(normaliseLine('   ', 1).kind).toBe('blank');
  });
});

describe('helpers', () => {
  it('when msgtime is in seconds, then it is converted; when out of range, then it is refused', () => {
    expect(parseEpochMs(1704100000)).toBe(1704100000000);
    expect(parseEpochMs(12)).toBeNull();
    expect(parseEpochMs('abc')).toBeNull();
  });

  it('when tolist is missing, then it is empty; when it is a number, then it is unusable', () => {
    expect(parseToList(undefined)).toEqual([]);
    expect(parseToList(7)).toBeNull();
  });

  it('when the line starts with its msgid, then the fast path reads it without parsing; otherwise it gives up', () => {
    expect(leadingMsgid('{"msgid":"abc=","action":"send"}')).toBe('abc=');
    expect(leadingMsgid('{"seq":17,"msgid":"def","action":"send"}')).toBe('def');
    expect(leadingMsgid('{"action":"send","msgid":"abc"}')).toBeNull();
    expect(leadingMsgid('{"chatrecord":{"msgid":"nested"},"msgid":"abc"}')).toBeNull();
  });
});
