import type { FakeBot } from './coze-fake-state.ts';

/**
 * The bot's answer, deterministic from the question so tests can assert it: names the bot's role, counts the
 * non-empty lines of the question and quotes its first line (the transcript heading "<name> (date ~ date)").
 * Contains an emoji (4 UTF-8 bytes, a surrogate pair) so chunk boundaries inside characters get exercised.
 */
export function fakeAnswer(bot: FakeBot, question: string): string {
  const lines = question.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '');
  const heading = Array.from((lines[0] ?? '').trim()).slice(0, 40).join('');
  const audience = bot.role === 'teacher' ? '老师沟通' : '家长沟通';
  return [
    `【模拟${audience}总结】共 ${lines.length} 行对话记录${heading ? `，对象：${heading}` : ''}。`,
    '📚 整体沟通积极，主要话题是孩子的学习进度与作业完成情况。',
    '建议：保持每周一次学习反馈，及时回应家长的问题。',
  ].join('\n');
}

/** Approximate token counts: Coze bills tokens, the fake counts characters. */
export function fakeUsage(question: string, answer: string): { token_count: number; output_count: number; input_count: number } {
  const inputCount = Array.from(question).length;
  const outputCount = Array.from(answer).length;
  return { token_count: inputCount + outputCount, output_count: outputCount, input_count: inputCount };
}

/** Splits text into pieces of `size` characters (code points, so no piece holds half a surrogate pair). */
export function splitIntoDeltas(text: string, size: number): string[] {
  const characters = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < characters.length; i += size) pieces.push(characters.slice(i, i + size).join(''));
  return pieces;
}
