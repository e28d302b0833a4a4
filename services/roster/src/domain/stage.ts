/**
 * The 所在阶段 cell: "L3", "Ｌ3", "l3", "二段L4", "三段 7", "一段". Section = the first 一段/二段/三段; level = "L<d>",
 * else (with a section, or alone) the first digit 1–7. The original's mis-escaped regex dropped every bare "L3" to L1.
 */
export function parseStage(raw: string): { sectionName: string | null; levelName: string | null; recognised: boolean } {
  const text = raw.normalize('NFKC').trim();
  if (text === '') return { sectionName: null, levelName: null, recognised: true };
  const section = /([一二三])段/u.exec(text);
  const sectionName = section ? `${section[1]}段` : null;
  const explicitLevel = /L\s*([1-7])/iu.exec(text);
  let levelName = explicitLevel ? `L${explicitLevel[1]}` : null;
  if (!levelName && (sectionName || /^[1-7]$/u.test(text))) {
    const digit = /[1-7]/u.exec(text.replace(/[一二三]段/u, ''));
    levelName = digit ? `L${digit[0]}` : null;
  }
  return { sectionName, levelName, recognised: sectionName !== null || levelName !== null };
}
