import { AliasTable, type Rng, zipfWeights } from './random.ts';
import { EMOJI, EN_PHRASES, SONGS, WECHAT_EMOJI, WORDS, type WordCategory } from './vocabulary.ts';
import { GREETINGS, TEMPLATES, type TextContext } from './templates.ts';
import { DAY_MS, formatMonthDay, type GreetingKey } from './calendar.ts';

/** What a message's text may refer to: who speaks about whom, in which class, when. */
export interface TextScene {
  /** call name of the child the message is about */
  child: string;
  /** call names of other pupils in the class, for lists of names */
  kids: readonly string[];
  /** call name of the teacher addressed or concerned */
  teacher: string;
  className: string;
  weekday: string;
  time: string;
  msgtime: number;
}

type Filler = (rng: Rng, scene: TextScene) => string;

/** Zipf-ranked sampling per word category, built once. */
const wordTables = new Map<WordCategory, AliasTable>(
  (Object.keys(WORDS) as WordCategory[]).map((k) => [k, new AliasTable(zipfWeights(WORDS[k].length, k === 'en' ? 0.9 : 1))]),
);

function word(category: WordCategory): Filler {
  const words = WORDS[category];
  const table = wordTables.get(category) as AliasTable;
  return (rng) => words[table.sample(rng)] as string;
}

const TIMES = ['9点', '10点半', '下午2点', '下午3点半', '下午4点', '晚上7点', '晚上7点半', '18:30', '19:00', '14:00', '15:40', '10:40'];
const emojiTable = new AliasTable(zipfWeights(EMOJI.length, 1.1));
const wechatEmojiTable = new AliasTable(zipfWeights(WECHAT_EMOJI.length, 1.1));

const FILLERS: Readonly<Record<string, Filler>> = {
  ...Object.fromEntries((Object.keys(WORDS) as WordCategory[]).map((k) => [k, word(k)])),
  child: (_rng, s) => s.child,
  kid: (rng, s) => (s.kids.length > 0 ? rng.pick(s.kids) : s.child),
  teacher: (_rng, s) => s.teacher,
  class: (_rng, s) => s.className,
  weekday: (_rng, s) => s.weekday,
  time: (_rng, s) => s.time,
  time2: (rng) => rng.pick(TIMES),
  date: (rng, s) => formatMonthDay(s.msgtime + rng.range(1, 12) * DAY_MS),
  n: (rng) => String(rng.range(1, 9)),
  nn: (rng) => String(rng.range(10, 99)),
  page: (rng) => String(rng.range(4, 96)),
  unit: (rng) => `Unit ${rng.range(1, 12)}`,
  enPhrase: (rng) => rng.pick(EN_PHRASES),
  song: (rng) => rng.pick(SONGS),
  emoji: (rng) => EMOJI[emojiTable.sample(rng)] as string,
  wemoji: (rng) => WECHAT_EMOJI[wechatEmojiTable.sample(rng)] as string,
};

/** A template split once into literal text and filler functions, so filling is a plain loop. */
type Compiled = readonly (string | Filler)[];

function compile(template: string): Compiled {
  const parts: (string | Filler)[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    const filler = FILLERS[m[1] as string];
    if (!filler) throw new Error(`unknown template slot {${m[1]}} in "${template}"`);
    if (m.index > last) parts.push(template.slice(last, m.index));
    parts.push(filler);
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return parts;
}

interface CompiledSet {
  shortShare: number;
  short: readonly Compiled[];
  shortTable: AliasTable | null;
  long: readonly Compiled[];
  longTable: AliasTable;
}

const compiledSets = new Map<TextContext, CompiledSet>(
  (Object.keys(TEMPLATES) as TextContext[]).map((k) => {
    const set = TEMPLATES[k];
    return [k, {
      shortShare: set.shortShare,
      short: set.short.map(compile),
      shortTable: set.short.length > 0 ? new AliasTable(zipfWeights(set.short.length, 0.9)) : null,
      long: set.long.map(compile),
      longTable: new AliasTable(zipfWeights(set.long.length, 0.6)),
    }];
  }),
);

const compiledGreetings = new Map<string, Compiled[]>(Object.entries(GREETINGS).map(([k, v]) => [k, v.map(compile)]));

function fill(parts: Compiled, rng: Rng, scene: TextScene): string {
  let out = '';
  for (const p of parts) out += typeof p === 'string' ? p : p(rng, scene);
  return out;
}

const TAILS = ['', '', '', '～', '哈', '哈哈', '。', '!', '😊', '🙏', '[捂脸]', '呀'];

/** One chat text for a speaker in a place; festival greetings take over part of the traffic on their day. */
export function makeText(context: TextContext, rng: Rng, scene: TextScene, greeting: GreetingKey | null): string {
  if (greeting && context !== 'bot' && context !== 'internal' && rng.chance(0.25)) {
    return fill(rng.pick(compiledGreetings.get(greeting) as Compiled[]), rng, scene);
  }
  const set = compiledSets.get(context) as CompiledSet;
  if (set.shortTable && rng.chance(set.shortShare)) return fill(set.short[set.shortTable.sample(rng)] as Compiled, rng, scene);
  const text = fill(set.long[set.longTable.sample(rng)] as Compiled, rng, scene);
  if (context !== 'parentGroup' && context !== 'parentDirect') return text;
  // a trailing particle or emoji only after a Chinese character, never after punctuation or another emoji
  const last = text.charCodeAt(text.length - 1);
  return last >= 0x4e00 && last <= 0x9fff ? text + rng.pick(TAILS) : text;
}
