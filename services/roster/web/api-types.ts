/** The JSON the roster API answers with: the server's own contract. */
export type {
  AbsentEnrolment, ActionCounts, ClassDetail, ClassDiff, CommitReport, DiffAction, DraftClass, DraftEdit, DraftStudent, FieldChange, ImportKind,
  ImportPage, ImportPreview, ImportSummary, ImportWarning, LevelNode, Namesake, RevealedPhone, RosterConfigInfo, RosterStudent, SectionNode, SkippedRow, StaffRef,
  StudentDiff,
} from '../src/contract.ts';
