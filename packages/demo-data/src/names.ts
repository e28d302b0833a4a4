import type { GuardianRelation } from '@doitcrm/types';
import { type Rng, WeightedChoice } from './random.ts';
import {
  CHILD_NAME_CHARS, FEMALE_NAME_CHARS, MALE_NAME_CHARS, ENGLISH_NAMES, HOSTILE_NICKNAMES, NICKNAME_EMOJI, NICKNAME_PHRASES,
  NICKNAME_WORDS, PLACE_SYLLABLES, SURNAMES,
} from './name-tables.ts';

const surnameChoice = new WeightedChoice(SURNAMES.map(([s, py, w]) => [[s, py] as const, w] as const));

export interface Surname {
  hanzi: string;
  pinyin: string;
}

export function pickSurname(rng: Rng): Surname {
  const [hanzi, pinyin] = surnameChoice.sample(rng);
  return { hanzi, pinyin };
}

/** Two or three characters in all, like real children's names (three is the norm since the 2000s). */
export function childName(rng: Rng, surname: Surname): string {
  const first = rng.pick(CHILD_NAME_CHARS);
  if (rng.chance(0.22)) return surname.hanzi + first;
  let second = rng.pick(CHILD_NAME_CHARS);
  if (second === first && rng.chance(0.7)) second = rng.pick(CHILD_NAME_CHARS);
  return surname.hanzi + first + second;
}

/** What the family calls the child in chat: the given name, a doubled character, "小X" or the English name. */
export function childCallName(rng: Rng, fullName: string, surname: Surname, englishName: string | null): string {
  if (englishName && rng.chance(0.6)) return englishName;
  const given = fullName.slice(surname.hanzi.length);
  const last = given.slice(-1);
  const r = rng.float();
  if (given.length >= 2) {
    if (r < 0.5) return given;
    if (r < 0.75) return last + last;
    return '小' + last;
  }
  return r < 0.5 ? fullName : last + last;
}

export interface AdultName {
  name: string;
  surname: Surname;
  givenPinyin: string[];
}

export function adultName(rng: Rng, gender: 'f' | 'm', surname: Surname = pickSurname(rng)): AdultName {
  const chars = gender === 'f' ? FEMALE_NAME_CHARS : MALE_NAME_CHARS;
  const parts = rng.chance(0.45) ? [rng.pick(chars)] : [rng.pick(chars), rng.pick(chars)];
  return { name: surname.hanzi + parts.map(([c]) => c).join(''), surname, givenPinyin: parts.map(([, p]) => p) };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Internal WeCom ids are whatever the admin typed: usually pinyin in one of a few house styles. */
export function staffUserId(rng: Rng, name: AdultName, taken: Set<string>): string {
  const given = name.givenPinyin.join('');
  const style = rng.int(4);
  let base: string;
  if (style === 0) base = capitalise(name.surname.pinyin) + capitalise(given);
  else if (style === 1) base = `${name.surname.pinyin}.${given}`;
  else if (style === 2) base = name.surname.pinyin + given;
  else base = capitalise(given) + capitalise(name.surname.pinyin);
  // wm/wo/wb mark external contacts and bots; an own-corp id must never look like one
  if (/^w[mob]/.test(base)) base = capitalise(base);
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}${String(n).padStart(2, '0')}`;
  taken.add(id);
  return id;
}

const RELATION_WORD: Record<GuardianRelation, readonly string[]> = {
  mother: ['妈妈', '妈妈', '妈'],
  father: ['爸爸', '爸爸', '爸'],
  guardian: ['奶奶', '外婆', '姥姥', '爷爷'],
  other: ['姑姑', '小姨', '舅舅', '家长'],
};

export function relationWord(rng: Rng, relation: GuardianRelation): string {
  return rng.pick(RELATION_WORD[relation]);
}

/** The patterns real parents use for their WeCom/WeChat display name, hostile ones included. */
export function parentNickname(
  rng: Rng,
  ctx: { childFullName: string; childCall: string; englishName: string | null; adult: string; relation: GuardianRelation },
): string {
  const word = relationWord(rng, ctx.relation);
  const r = rng.float();
  if (r < 0.015) return rng.pick(HOSTILE_NICKNAMES);
  if (r < 0.28) return ctx.childFullName + word;
  if (r < 0.4) return ctx.childCall + word;
  if (r < 0.45 && ctx.englishName) return ctx.englishName + word;
  if (r < 0.6) return ctx.adult;
  if (r < 0.68) return rng.pick(NICKNAME_WORDS);
  if (r < 0.74) return `${rng.pick(ENGLISH_NAMES)} ${capitalise(pinyinLike(rng))}`;
  if (r < 0.84) return rng.pick(NICKNAME_PHRASES);
  if (r < 0.93) {
    const e = rng.pick(NICKNAME_EMOJI);
    return rng.chance(0.5) ? `${e}${ctx.childCall}${word}${e}` : `${rng.pick(NICKNAME_PHRASES)}${e}`;
  }
  // business-style nicknames ("A-王静-保险") are common among parents who sell things on WeChat
  return `A${rng.pick(['', '-', ' '])}${ctx.adult}${rng.pick(['', '-保险', '-瑜伽', '·烘焙', '-装修'])}`;
}

function pinyinLike(rng: Rng): string {
  return rng.pick(SURNAMES)[1];
}

/** Synthetic place words for schools, communities and roads. */
export function placeName(rng: Rng, length = 2): string {
  let s = '';
  for (let i = 0; i < length; i++) s += rng.pick(PLACE_SYLLABLES);
  return s;
}

export function schoolName(rng: Rng): string {
  const r = rng.float();
  if (r < 0.4) return `${placeName(rng)}小学`;
  if (r < 0.7) return `${placeName(rng)}实验小学`;
  if (r < 0.85) return `第${rng.pick(['一', '二', '三', '五', '七', '十一', '十四'])}小学`;
  return `${placeName(rng)}幼儿园`;
}

export function address(rng: Rng): string {
  return `${placeName(rng)}路${rng.range(1, 399)}号${placeName(rng)}${rng.pick(['小区', '花园', '苑', '家园', '府'])}${rng.range(1, 30)}栋${rng.range(1, 32)}0${rng.range(1, 4)}`;
}

/** Phone numbers in a range no operator hands out to people, so nobody can be called by mistake. */
export function fakePhone(index: number): string {
  return `1990000${String(index % 10000).padStart(4, '0')}`;
}

/** Region code 999999 does not exist, so these can never be mistaken for a real ID number. */
export function placeholderNationalId(rng: Rng, birthYear: number): string {
  const date = `${birthYear}${String(rng.range(1, 12)).padStart(2, '0')}${String(rng.range(1, 28)).padStart(2, '0')}`;
  const full = `999999${date}000X`;
  const r = rng.float();
  if (r < 0.05) return full.slice(0, 17);
  if (r < 0.08) return `999999${date.slice(2)}000`;
  return full;
}
