import type { SnippetPart } from '../contract.ts';

/** The character bigrams the search index holds for a text: lower-cased, whitespace removed (as insight.bigrams). */
export function bigramsOf(value: string): string[] {
  const chars = [...value.toLowerCase().replace(/\s+/gu, '')];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i += 1) grams.add(chars[i]! + chars[i + 1]!);
  return [...grams];
}

const SNIPPET_BEFORE = 30;
const SNIPPET_LENGTH = 120;

/**
 * The part of `text` around the first hit of `term`, split into plain and hit parts (case-insensitive), for the
 * page to render as text. Offsets are taken on the lower-cased text only when lower-casing keeps its length.
 */
export function snippetParts(text: string, term: string): SnippetPart[] {
  const lowered = text.toLowerCase();
  const haystack = lowered.length === text.length ? lowered : text;
  const needle = lowered.length === text.length ? term.toLowerCase() : term;
  const first = haystack.indexOf(needle);
  if (!needle || first < 0) return [{ text: text.slice(0, SNIPPET_LENGTH), hit: false }];
  const start = Math.max(0, first - SNIPPET_BEFORE);
  const end = Math.min(text.length, start + SNIPPET_LENGTH);
  const parts: SnippetPart[] = [];
  if (start > 0) parts.push({ text: '…', hit: false });
  let at = start;
  while (at < end) {
    const hit = haystack.indexOf(needle, at);
    if (hit < 0 || hit >= end) {
      parts.push({ text: text.slice(at, end), hit: false });
      break;
    }
    if (hit > at) parts.push({ text: text.slice(at, hit), hit: false });
    parts.push({ text: text.slice(hit, hit + needle.length), hit: true });
    at = hit + needle.length;
  }
  if (end < text.length) parts.push({ text: '…', hit: false });
  return parts;
}
