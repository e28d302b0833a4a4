import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Who an id is — its display name and whether it is mapped — is defined once, in
// db/migrations/1764000018000_identity-display-name-and-mapped.sql. Written out again in a service, the copies
// drift (they had: one lacked nullif, one trimmed). This test finds a service that writes it out again.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The arguments of each coalesce(…) on a line (to its closing parenthesis, or to the end of the line). */
function coalesceCalls(line: string): string[] {
  return [...line.matchAll(/coalesce\(/gi)].map((match) => {
    let depth = 0;
    let end = match.index;
    for (; end < line.length; end++) {
      if (line[end] === '(') depth++;
      else if (line[end] === ')' && --depth === 0) break;
    }
    return line.slice(match.index, end + 1);
  });
}

/** The ways the rules were written out before, each with what to use instead. */
const RECOMPUTED: Array<{ pattern: { test(line: string): boolean }; use: string }> = [
  {
    pattern: { test: (line) => coalesceCalls(line).some((call) => /\b(?:business_name|wecom_nickname)\b/i.test(call)) },
    use: 'display_name (NULL when unnamed: coalesce(x.display_name, <stand-in>))',
  },
  { pattern: /nullif\(\s*(?:b?trim\(\s*)?(?:\w+\.)?(?:business_name|wecom_nickname)\b/i, use: 'display_name or has_business_name' },
  { pattern: /b?trim\(\s*(?:\w+\.)?(?:business_name|wecom_nickname)\b/i, use: 'display_name or has_business_name' },
  { pattern: /\b(?:\w+\.)?business_name\s+IS\s+(?:NOT\s+)?NULL\b/i, use: 'has_business_name' },
  { pattern: /\b(?:business_name|wecom_nickname)\s*(?:=|<>|!=)\s*''/i, use: 'has_business_name or display_name' },
  { pattern: /user_role\s*(?:<>|!=)\s*'parent'/i, use: 'is_mapped of crm.user_identities' },
  { pattern: /businessName\??\.trim\(\)\s*\|\|[^;\n]*wecomNickname/, use: 'the displayName read from display_name' },
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.(ts|sql)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [full] : [];
  });
}

/** Each line of the services' code (not tests) that writes a rule out again, as "file:line: text (use …)". */
function recomputations(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    fs.readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
      // a line that picks between two values of one field (an import keeping what was typed here) names no one;
      // it says so in a SQL comment, so the exemption is visible where it is taken
      if (line.includes('-- field merge, not a display name')) return;
      for (const { pattern, use } of RECOMPUTED) {
        if (pattern.test(line)) found.push(`${path.relative(root, file)}:${index + 1}: ${line.trim()} (use ${use})`);
      }
    });
  }
  return found;
}

const serviceSources = () => fs.readdirSync(path.join(root, 'services')).flatMap((service) => {
  const src = path.join(root, 'services', service, 'src');
  return fs.existsSync(src) ? sourceFiles(src) : [];
});

describe('who an id is, read from the database', () => {
  it('when the services\' code is read, then none of it computes a display name or the mapped rule again', () => {
    const files = serviceSources();
    expect(files.length).toBeGreaterThan(50);
    expect(recomputations(files)).toEqual([]);
  });

  it('when a reader writes out each old form again, then the check names its file and line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'identity-readers-'));
    try {
      const file = path.join(dir, 'reader.ts');
      fs.writeFileSync(file, [
        "const a = `coalesce(r.business_name, r.wecom_nickname) AS name`;",
        "const b = `coalesce(nullif(s.business_name, ''), nullif(s.wecom_nickname, ''), m.from_id)`;",
        "const c = `(nullif(i.business_name, '') IS NOT NULL AND i.user_role IS NOT NULL)`;",
        "const d = `AND (i.user_role <> 'parent' OR EXISTS (SELECT 1 FROM crm.guardianships g))`;",
        "const e = `WHERE i.business_name IS NULL AND i.wecom_nickname = u.name`;",
        "const f = row.businessName?.trim() || row.wecomNickname?.trim() || row.originalId;",
        "const h = `coalesce(max(st.name), max(i.business_name), max(i.wecom_nickname), r.replied_by) AS teacher_name`;",
        "const g = `SELECT coalesce(i.display_name, i.original_id) FROM crm.user_identities i WHERE i.is_mapped`;",
      ].join('\n'));
      expect(recomputations([file]).map((hit) => hit.split(':')[1])).toEqual(['1', '2', '2', '3', '4', '5', '6', '7']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
