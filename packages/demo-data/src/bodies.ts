import type { Rng } from './random.ts';
import { makeText, type TextScene } from './text.ts';
import type { TextContext } from './templates.ts';
import type { GreetingKey } from './calendar.ts';
import { WORDS } from './vocabulary.ts';

/** Every msgtype of the archive format, with the key its body sits under (several differ from the msgtype). */
export const MSGTYPE_BODY_KEY = {
  text: 'text', image: 'image', voice: 'voice', video: 'video', file: 'file', emotion: 'emotion', link: 'link',
  weapp: 'weapp', card: 'card', location: 'location', chatrecord: 'chatrecord', todo: 'todo', vote: null,
  collect: 'collect', redpacket: 'redpacket', external_redpacket: 'redpacket', meeting: 'meeting', docmsg: 'doc',
  markdown: 'info', news: 'info', calendar: 'calendar', mixed: 'mixed', agree: 'agree', disagree: 'disagree',
  meeting_voice_call: 'meeting_voice_call', voip_doc_share: 'voip_doc_share', sphfeed: 'sphfeed', revoke: 'revoke',
} as const satisfies Record<string, string | null>;

export type MsgType = keyof typeof MSGTYPE_BODY_KEY;
/** vote has no body object: its fields sit at the top level of the record. */
export const VOTE_TOP_LEVEL_FIELDS = ['votetitle', 'voteitem', 'votetype', 'voteid'] as const;

export interface BodyScene {
  rng: Rng;
  from: string;
  /** display name of the sender, for fields such as creatorname */
  fromName: string;
  /** someone else in the conversation (the receiver of a 1:1, a member of a group) */
  otherId: string;
  otherName: string;
  roomName: string;
  corpName: string;
  /** staff ids whose contact cards can be shared */
  staffIds: readonly string[];
  textContext: TextContext;
  text: TextScene;
  greeting: GreetingKey | null;
  msgtime: number;
}

/** Some exporters write sizes as strings; importers must accept both. */
function size(rng: Rng, lo: number, hi: number): number | string {
  const n = rng.range(lo, hi);
  return rng.chance(0.1) ? String(n) : n;
}

function sdkfileid(rng: Rng): string {
  // real ids are several hundred characters of base64; a shorter one keeps files reasonable
  return `Cts${rng.base64(93)}`;
}

function media(rng: Rng, lo: number, hi: number) {
  return { md5sum: rng.hex(32), filesize: size(rng, lo, hi), sdkfileid: sdkfileid(rng) };
}

const FILES: readonly (readonly [string, string])[] = [
  ['Unit{n}单词表', 'pdf'], ['期末测评成绩', 'xlsx'], ['活动报名表', 'docx'], ['作业讲解', 'pptx'], ['课堂视频{n}', 'mp4'],
  ['寒假作业', 'pdf'], ['剑桥真题{n}', 'pdf'], ['自然拼读练习', 'pdf'], ['课程表', 'xlsx'], ['续费通知', 'docx'], ['听力音频{n}', 'mp3'],
];
const WEAPPS = ['每日打卡', '绘本阅读营', '班级接龙', '英语趣听', '作业登记', '成长相册'];
const SPH_NAMES = ['少儿英语启蒙', '亲子阅读日记', '双语妈妈', '英语儿歌大全', '剑桥备考指南'];

function sec(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Writes the body (and any top-level extras) of `msgtype` onto `record`, after the common fields. */
export function addBody(record: Record<string, unknown>, msgtype: Exclude<MsgType, 'revoke'>, s: BodyScene): void {
  const { rng } = s;
  const n = () => String(rng.range(1, 12));
  switch (msgtype) {
    case 'text':
      record.text = { content: makeText(s.textContext, rng, s.text, s.greeting) };
      return;
    case 'image':
      record.image = media(rng, 40_000, 4_000_000);
      return;
    case 'voice':
      record.voice = { md5sum: rng.hex(32), voice_size: rng.range(2_000, 90_000), play_length: rng.range(1, 59), sdkfileid: sdkfileid(rng) };
      return;
    case 'video':
      record.video = { ...media(rng, 500_000, 60_000_000), play_length: rng.range(3, 300) };
      return;
    case 'file': {
      const [base, ext] = rng.pick(FILES);
      record.file = { md5sum: rng.hex(32), filename: `${base.replace('{n}', n())}.${ext}`, fileext: ext, filesize: size(rng, 8_000, 20_000_000), sdkfileid: sdkfileid(rng) };
      return;
    }
    case 'emotion': {
      const type = rng.chance(0.6) ? 1 : 2;
      record.emotion = {
        type, width: rng.range(120, 240), height: rng.range(120, 240), ...(rng.chance(0.3) ? { title: rng.pick(['好的', '收到', '加油', '谢谢']) } : {}),
        imagesize: rng.range(5_000, 900_000), md5sum: rng.hex(32), sdkfileid: sdkfileid(rng),
      };
      return;
    }
    case 'link':
      record.link = {
        title: `${rng.pick(WORDS.topic)}：${rng.pick(['家长必读', '一张图看懂', '这样练效果翻倍', '老师推荐'])}`,
        description: makeText('teacherGroup', rng, s.text, null).slice(0, 40),
        link_url: `https://mp.example.com/s/${rng.base64(22)}`,
        image_url: `https://img.example.com/${rng.hex(16)}.jpg`,
      };
      return;
    case 'weapp':
      record.weapp = { title: `${s.text.className} ${rng.pick(['作业打卡', '报名', '接龙', '相册'])}`, description: rng.pick(WORDS.event), username: `gh_${rng.hex(12)}@app`, displayname: rng.pick(WEAPPS) };
      return;
    case 'card':
      record.card = { corpname: s.corpName, userid: rng.pick(s.staffIds) };
      return;
    case 'location':
      record.location = {
        longitude: Number((114.2 + rng.float() * 0.3).toFixed(6)), latitude: Number((30.45 + rng.float() * 0.2).toFixed(6)),
        address: `${rng.pick(WORDS.place)}附近`, title: rng.pick(WORDS.place), zoom: rng.range(12, 17),
      };
      return;
    case 'chatrecord':
      record.chatrecord = {
        title: rng.chance(0.5) ? '群聊的聊天记录' : `${s.otherName}和${s.fromName}的聊天记录`,
        item: Array.from({ length: rng.range(2, 5) }, (_, i) => ({
          type: 'ChatRecordText',
          // forwarded messages are older than the forward and in their original order
          msgtime: sec(s.msgtime) - 86_400 + i * rng.range(30, 600),
          content: JSON.stringify({ content: makeText('parentDirect', rng, s.text, null) }),
          from_chatroom: rng.chance(0.5),
        })),
      };
      return;
    case 'todo':
      record.todo = { title: rng.pick(['提交作业', '续费确认', '补课预约', '活动报名']), content: makeText('headGroup', rng, s.text, null) };
      return;
    case 'vote':
      record.votetitle = `${rng.pick(WORDS.event)}时间投票`;
      record.voteitem = [`${s.text.weekday}上午`, `${s.text.weekday}下午`, '都可以'];
      record.votetype = rng.chance(0.4) ? 101 : 102;
      record.voteid = rng.digits(19);
      return;
    case 'collect':
      record.collect = {
        room_name: s.roomName, creator: s.fromName,
        // both string and integer create_time occur in the wild
        create_time: rng.chance(0.5) ? new Date(s.msgtime + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ') : sec(s.msgtime),
        title: `${rng.pick(WORDS.event)}报名`,
        details: [{ id: 1, ques: '孩子姓名', type: 'Text' }, { id: 2, ques: '参加人数', type: 'Number' }, { id: 3, ques: '到达日期', type: 'Date' }, { id: 4, ques: '到达时间', type: 'Time' }],
      };
      return;
    case 'redpacket':
    case 'external_redpacket':
      record.redpacket = { type: rng.range(1, 3), wish: rng.pick(['恭喜发财，大吉大利', '奖励小朋友们', '新年快乐', '辛苦啦']), totalcnt: rng.range(1, 30), totalamount: rng.range(100, 20_000) };
      return;
    case 'meeting': {
      const start = sec(s.msgtime) + 3600 * rng.range(2, 72);
      record.meeting = {
        topic: rng.pick(['家长会', '教研会', '期末测评说明会', '新学期开班说明会']), starttime: start, endtime: start + 3600,
        address: rng.chance(0.5) ? '线上会议' : `${rng.pick(WORDS.place)}会议室`, remarks: '请准时参加', meetingtype: rng.chance(0.5) ? 101 : 102,
        meetingid: Number(rng.digits(12)), status: rng.range(1, 3),
      };
      return;
    }
    case 'docmsg':
      record.doc = { title: `${s.text.className}${rng.pick(['作业登记表', '课时统计', '家长签到表', '学习计划'])}`, link_url: `https://doc.example.com/d/${rng.base64(20)}`, doc_creator: s.from };
      return;
    case 'markdown':
      record.info = { content: `**${rng.pick(['本周作业', '上课提醒', '活动通知'])}**\n> ${makeText('bot', rng, s.text, null)}\n> 班级：${s.text.className}` };
      return;
    case 'news':
      record.info = { item: Array.from({ length: rng.range(1, 3) }, () => ({ title: `${rng.pick(WORDS.event)}精彩回顾`, description: makeText('bot', rng, s.text, null), url: `https://news.example.com/a/${rng.base64(16)}`, picurl: `https://img.example.com/${rng.hex(16)}.png` })) };
      return;
    case 'calendar': {
      const start = sec(s.msgtime) + 3600 * rng.range(12, 200);
      record.calendar = { title: `${rng.pick(WORDS.event)}`, creatorname: s.fromName, attendeename: [s.otherName], starttime: start, endtime: start + 5400, place: rng.pick(WORDS.place), remarks: '' };
      return;
    }
    case 'mixed':
      record.mixed = {
        item: [
          { type: 'text', content: JSON.stringify({ content: makeText(s.textContext, rng, s.text, null) }) },
          { type: 'image', content: JSON.stringify(media(rng, 40_000, 3_000_000)) },
        ],
      };
      return;
    case 'agree':
      record.agree = { userid: s.from, agree_time: s.msgtime - rng.range(0, 2000) };
      return;
    case 'disagree':
      record.disagree = { userid: s.from, disagree_time: s.msgtime - rng.range(0, 2000) };
      return;
    case 'meeting_voice_call': {
      const end = sec(s.msgtime);
      record.voiceid = rng.base64(32);
      record.meeting_voice_call = {
        endtime: end, sdkfileid: sdkfileid(rng),
        demofiledata: [{ filename: `课件${n()}.pptx`, demooperator: s.from, starttime: end - 1200, endtime: end - 300 }],
        sharescreendata: [{ share: s.from, starttime: end - 900, endtime: end - 600 }],
      };
      return;
    }
    case 'voip_doc_share':
      record.voipid = rng.base64(32);
      record.voip_doc_share = { filename: `Unit${n()}讲义.pdf`, md5sum: rng.hex(32), filesize: size(rng, 50_000, 9_000_000), sdkfileid: sdkfileid(rng) };
      return;
    case 'sphfeed':
      record.sphfeed = { feed_type: rng.pick([2, 4, 9]), sph_name: rng.pick(SPH_NAMES), feed_desc: `${rng.pick(WORDS.topic)}小技巧，${rng.pick(WORDS.feeling)}学英语` };
      return;
  }
}
