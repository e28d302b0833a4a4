export { generateSchool, DEFAULT_SEED, CORP_NAME } from './school.ts';
// seeded randomness for other services' synthetic demo data (the dispatcher's send history)
export { Rng, hashUnit } from './random.ts';
export { groupMembers } from './school-groups.ts';
export { SECTIONS, LEVELS, levelName, sectionNameOfLevel } from './hierarchy.ts';
export type {
  DemoSchool, DemoSection, DemoLevel, DemoStaff, DemoClass, DemoStudent, DemoParent, DemoGuardianship, DemoBot, DemoGroup,
  StaffRole, StudentStatus, LevelCode, SectionCode,
} from './school-types.ts';
export {
  generateArchive, DEFAULT_END_AT, DEFAULT_MONTHS, type ArchiveOptions, type ArchiveLine, type ArchiveSummary,
} from './archive.ts';
export { writeArchiveFile, type WriteArchiveOptions, type WriteArchiveResult, type ArchiveProgress } from './archive-file.ts';
export { MSGTYPE_BODY_KEY, VOTE_TOP_LEVEL_FIELDS, type MsgType } from './bodies.ts';
export { FAULT_KINDS, LOADABLE_FAULTS, isLoadableFault, type FaultKind } from './faults.ts';
export { VOCABULARY } from './vocabulary.ts';
export { idKindOf } from '@doitcrm/types';
export { loadDemoSchool, loadSchool } from './load-school.ts';
export { rosterCsv, enrolmentCsv, encodeCsv, CSV_ENCODINGS, type CsvEncoding } from './csv.ts';
