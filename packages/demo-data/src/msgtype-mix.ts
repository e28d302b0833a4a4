import { WeightedChoice } from './random.ts';
import type { MsgType } from './bodies.ts';

/** Who is speaking where: each has its own mix of message types. */
export type SpeakerSlot = 'parentGroup' | 'staffGroup' | 'botGroup' | 'parentDirect' | 'staffDirect' | 'internal';

/**
 * Relative frequencies per speaker and place. Text dominates everywhere; photos of homework and class,
 * voice notes in 1:1 chats, files and docs from staff; the rare types still show up a few times per
 * 10,000 messages, so every type appears in a modest sample.
 */
const MIX: Readonly<Record<SpeakerSlot, readonly (readonly [Exclude<MsgType, 'revoke'>, number])[]>> = {
  parentGroup: [
    ['text', 800], ['image', 90], ['emotion', 50], ['video', 15], ['voice', 10], ['link', 6], ['weapp', 5], ['mixed', 4],
    ['sphfeed', 4], ['file', 3], ['chatrecord', 2], ['external_redpacket', 2], ['location', 1], ['card', 1],
  ],
  staffGroup: [
    ['text', 650], ['image', 120], ['video', 35], ['emotion', 30], ['file', 30], ['link', 20], ['docmsg', 18], ['weapp', 14],
    ['mixed', 10], ['voice', 8], ['collect', 8], ['vote', 7], ['todo', 5], ['chatrecord', 5], ['redpacket', 5], ['calendar', 4],
    ['meeting', 4], ['location', 3], ['card', 2], ['sphfeed', 2], ['markdown', 1],
  ],
  botGroup: [['text', 60], ['markdown', 22], ['news', 18]],
  parentDirect: [
    ['text', 780], ['voice', 60], ['image', 70], ['emotion', 30], ['video', 10], ['file', 5], ['link', 5], ['chatrecord', 4],
    ['mixed', 3], ['card', 3], ['location', 3], ['sphfeed', 3], ['agree', 5], ['disagree', 3], ['external_redpacket', 2],
  ],
  staffDirect: [
    ['text', 740], ['image', 60], ['voice', 40], ['emotion', 30], ['file', 30], ['link', 20], ['docmsg', 15], ['weapp', 10],
    ['card', 10], ['chatrecord', 5], ['todo', 4], ['calendar', 3], ['meeting', 3], ['location', 3], ['redpacket', 2],
    ['meeting_voice_call', 3], ['voip_doc_share', 2.5], ['mixed', 3],
  ],
  internal: [
    ['text', 680], ['file', 50], ['docmsg', 50], ['image', 60], ['chatrecord', 20], ['todo', 20], ['emotion', 25], ['vote', 10],
    ['collect', 10], ['calendar', 10], ['meeting', 10], ['mixed', 10], ['markdown', 8], ['news', 4], ['meeting_voice_call', 8],
    ['voip_doc_share', 8], ['link', 10], ['card', 5], ['redpacket', 4], ['voice', 8],
  ],
};

export const MSGTYPE_CHOICE: Readonly<Record<SpeakerSlot, WeightedChoice<Exclude<MsgType, 'revoke'>>>> = Object.fromEntries(
  (Object.keys(MIX) as SpeakerSlot[]).map((k) => [k, new WeightedChoice(MIX[k])]),
) as Record<SpeakerSlot, WeightedChoice<Exclude<MsgType, 'revoke'>>>;
