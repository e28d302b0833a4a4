import { createHash } from 'node:crypto';
import { matchClasses } from './class-matching.ts';
import { countActions, type FieldChange, type RosterDiff } from './diff-types.ts';
import type { RosterDraft } from './draft.ts';
import type { RosterSnapshot } from './snapshot.ts';
import { matchStudents } from './student-matching.ts';

/** The draft against the database: what a commit would insert, change, leave alone or skip, and why. */
export function diffRoster(draft: RosterDraft, snapshot: RosterSnapshot): RosterDiff {
  const classes = matchClasses(draft.classes, snapshot.classes, snapshot.levels);
  const students = matchStudents(draft.students, classes.diffs, snapshot);
  return {
    classes: classes.diffs,
    students: students.diffs,
    absent: students.absent,
    warnings: [...draft.warnings, ...classes.warnings, ...students.warnings],
    summary: { classes: countActions(classes.diffs), students: countActions(students.diffs), absent: students.absent.length },
  };
}

/**
 * A fingerprint of what the preview showed. Commit re-diffs under the roster lock and refuses when the fingerprint
 * differs, so nobody commits changes they did not see (the database or the draft changed in between).
 */
export function diffToken(diff: RosterDiff): string {
  // one line per row; most rows change nothing, so their line is built without serialising an empty list
  const changes = (list: readonly FieldChange[]) => (list.length === 0 ? '' : JSON.stringify(list));
  const lines: string[] = [];
  for (const c of diff.classes) lines.push(`c|${c.action}|${c.classId}|${changes(c.changes)}`);
  for (const s of diff.students) lines.push(`s|${s.action}|${s.studentId}|${s.classId}|${s.classIndex}|${JSON.stringify(s.newKey)}|${changes(s.changes)}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 32);
}
