import { describe, expect, it } from 'vitest';
import { contentLine, renderMessage } from '../src/domain/render-message.ts';
import { bigramsOf, snippetParts } from '../src/domain/search-terms.ts';

describe('message rendering', () => {
  it.each([
    ['text', { content: '明天请假' }, '文本', '明天请假', null, '明天请假'],
    ['image', { filesize: 1_572_864 }, '图片', null, '1.5 MB', '[图片] 1.5 MB'],
    ['voice', { play_length: 12, voice_size: 20_480 }, '语音', null, '12 秒 · 20 KB', '[语音] 12 秒 · 20 KB'],
    ['video', { play_length: 30, filesize: '2097152' }, '视频', null, '30 秒 · 2.0 MB', '[视频] 30 秒 · 2.0 MB'],
    ['file', { filename: '寒假作业.pdf', filesize: 900 }, '文件', '寒假作业.pdf', '900 B', '[文件] 寒假作业.pdf · 900 B'],
    ['link', { title: '家长必读', description: '一张图看懂' }, '链接', '家长必读', '一张图看懂', '[链接] 家长必读 · 一张图看懂'],
    ['weapp', { title: '小熊3班 作业打卡', displayname: '每日打卡' }, '小程序', '小熊3班 作业打卡', '每日打卡', '[小程序] 小熊3班 作业打卡 · 每日打卡'],
    ['docmsg', { title: '课时统计' }, '文档', '课时统计', null, '[文档] 课时统计'],
    ['chatrecord', { title: '群聊的聊天记录', item: [{ content: '{"content":"第一句"}' }, { content: '{"content":"第二句"}' }] },
      '聊天记录', '群聊的聊天记录', '第一句\n第二句', '[聊天记录] 群聊的聊天记录'],
    ['vote', { votetitle: '时间投票', voteitem: ['上午', '下午'] }, '投票', '时间投票', '上午 / 下午', '[投票] 时间投票 · 上午 / 下午'],
    ['emotion', { width: 100 }, '表情', null, null, '[表情]'],
    ['meeting', { topic: '家长会', address: '线上会议' }, '会议', '家长会', '线上会议', '[会议] 家长会 · 线上会议'],
    ['brand_new_type', { x: 1 }, 'brand_new_type', null, null, '[brand_new_type]'],
  ])('when a %s message is rendered, then its label, text and detail are readable', (type, payload, label, text, detail, line) => {
    const content = renderMessage(type, payload, false);
    expect(content).toEqual({ type, label, text, detail, recalled: false });
    expect(contentLine(content)).toBe(line);
  });

  it('when a message was recalled, then it is marked, and the revoke record itself reads as a recall', () => {
    expect(contentLine(renderMessage('text', { content: '发错了' }, true))).toBe('[已撤回] 发错了');
    expect(renderMessage('revoke', { pre_msgid: 'x' }, false)).toMatchObject({ label: '撤回', text: '撤回了一条消息' });
  });

  it('when a payload is missing, then the type label still shows', () => {
    expect(contentLine(renderMessage('image', null, false))).toBe('[图片]');
  });
});

describe('search terms', () => {
  it('when bigrams are taken, then they are lower-cased and distinct, with whitespace removed as the index does', () => {
    expect(bigramsOf('退费 ABab')).toEqual(['退费', '费a', 'ab', 'ba']);
    expect(bigramsOf('费')).toEqual([]);
    expect(bigramsOf(' 费 ')).toEqual([]);
    expect(bigramsOf('a b')).toEqual(['ab']);
  });

  it('when a snippet is cut from a long text, then every hit in it is marked and the cuts are shown', () => {
    const long = `${'前'.repeat(50)}Refund 和 refund${'后'.repeat(200)}`;
    const parts = snippetParts(long, 'REFUND');
    expect(parts[0]).toEqual({ text: '…', hit: false });
    expect(parts.filter((part) => part.hit).map((part) => part.text)).toEqual(['Refund', 'refund']);
    expect(parts[parts.length - 1]).toEqual({ text: '…', hit: false });
    expect(parts.map((part) => part.text).join('').replaceAll('…', '').length).toBe(120);
  });
});
