import type { GuardianRelation } from '@doitcrm/types';

/** What a parent's display name says about them: whose parent, and how related. */
export interface ParsedGuardianName {
  /** the child as written: a Chinese full or given name, a pet name, or an English name */
  child: string;
  script: 'han' | 'latin';
  /** the relation word as written ("妈", "外婆") */
  word: string;
  relation: GuardianRelation;
}

/**
 * Relation words, longest first so "姨妈" is not read as "<child>姨" + "妈" and "妈妈" not as "<child>妈" + "妈".
 * 姑姑/小姨/舅舅 and the like are relatives the family lists as "other", like 家长.
 */
const RELATION_WORDS: ReadonlyArray<readonly [string, GuardianRelation]> = ([
  ['妈妈', 'mother'], ['妈咪', 'mother'], ['妈', 'mother'],
  ['爸爸', 'father'], ['爸比', 'father'], ['爸', 'father'],
  ['奶奶', 'guardian'], ['爷爷', 'guardian'], ['外婆', 'guardian'], ['姥姥', 'guardian'], ['外公', 'guardian'], ['姥爷', 'guardian'],
  ['家长', 'other'], ['姑姑', 'other'], ['小姨', 'other'], ['舅舅', 'other'], ['姨妈', 'other'], ['姑妈', 'other'], ['舅妈', 'other'],
] as const).slice().sort((a, b) => b[0].length - a[0].length);

/** Nicknames are chosen by parents; anything longer than this is not "<child><word>". */
const MAX_LENGTH = 40;

// emoji and what glues them together (variation selectors, ZWJ, skin tones, keycaps)
const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u20e3|\u200d|\ufe0e|\ufe0f/gu;
const WHITESPACE = /[\s\u200b]+/gu;
// decoration people put around a name ("~小明妈妈~", "·乐乐妈·"); never brackets or quotes, which carry meaning
const DECORATION_AT_ENDS = /^[~·.。!*_、…-]+|[~·.。!*_、…-]+$/gu;

const HAN_CHILD = /^\p{Script=Han}{1,4}$/u;
const LATIN_CHILD = /^[A-Za-z]{2,20}$/;

/** Full-width letters and digits become ASCII, emoji and spaces go: what is left is compared character by character. */
export function normaliseDisplayText(text: string): string {
  return text.normalize('NFKC').replace(EMOJI, '').replace(WHITESPACE, '');
}

/**
 * Reads "<child><relation word>" from a nickname or business name: "王小明妈妈", "小明妈", "Tom爸爸", "王小明家长",
 * "🌸乐乐妈妈🌸", "王小明 的 妈妈". Anything else (adult names, phrases, markup) is null: the text is only ever compared,
 * never interpreted, so hostile strings simply do not match.
 */
export function parseGuardianName(text: string | null | undefined): ParsedGuardianName | null {
  if (!text || text.length > MAX_LENGTH) return null;
  const cleaned = normaliseDisplayText(text).replace(DECORATION_AT_ENDS, '');
  for (const [word, relation] of RELATION_WORDS) {
    if (!cleaned.endsWith(word)) continue;
    const child = cleaned.slice(0, cleaned.length - word.length).replace(/的$/u, '');
    if (HAN_CHILD.test(child)) return { child, script: 'han', word, relation };
    if (LATIN_CHILD.test(child)) return { child, script: 'latin', word, relation };
    // the longest word that fits decides: "小明姨妈" is never re-read as "小明姨" + "妈"
    return null;
  }
  return null;
}

/** How staff write it in the business name: "<child>妈妈", never the short "妈". */
export function businessRelationWord(parsed: ParsedGuardianName): string {
  if (parsed.word === '妈' || parsed.word === '妈咪') return '妈妈';
  if (parsed.word === '爸' || parsed.word === '爸比') return '爸爸';
  return parsed.word;
}
