/**
 * The JSON the ETL API answers with: one definition for the server, the page (`web/`) and the tests.
 * Types only, so the page's bundle takes nothing from the server.
 */

export type RunOrigin = 'cli' | 'upload' | 'queue' | 'bench' | 'demo';
export type RunStatus = 'running' | 'succeeded' | 'failed';
export type ConflictMode = 'skip' | 'update';

/** What an import did with the lines of its file; lines = inserted + updated + unchanged + quarantined + duplicatesInFile. */
export interface ImportCounts {
  lines: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  duplicatesInFile: number;
}

/** One import of one archive file (`GET /api/runs`). */
export interface ImportRun extends ImportCounts {
  id: number;
  source: string;
  origin: RunOrigin;
  conflictMode: ConflictMode;
  status: RunStatus;
  minMsgtime: string | null;
  maxMsgtime: string | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  jobId: string | null;
  /** the user who started it (null for the CLI and benchmarks) */
  startedBy: number | null;
  /** that user's display name (or username) */
  startedByName: string | null;
  /** size of the file read */
  bytesTotal: number | null;
}

/** The `result` of a finished `etl.import` job, and the CLI's `--json` line. */
export interface ImportResult extends ImportCounts {
  runId: number;
  durationMs: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: number | null;
}

export interface SeqGap {
  from: number;
  to: number;
  missing: number;
}

export interface SeqStats {
  min: number;
  max: number;
  gapCount: number;
  missingTotal: number;
  gaps: SeqGap[];
}

export interface ArchiveStats {
  totalMessages: number;
  oldestMsgtime: string | null;
  newestMsgtime: string | null;
  seq: SeqStats | null;
}

/** `GET /api/stats` */
export interface EtlStats extends ArchiveStats {
  lastRun: ImportRun | null;
}

/** `GET /api/config` */
export interface EtlConfigInfo {
  maxUploadBytes: number;
  acceptedExtensions: string[];
}

/** `GET /api/runs/:id/quarantine` items */
export interface QuarantineItem {
  lineNo: number;
  reason: string;
  rawText: string;
}

/** `POST /api/imports` answers 202 with the job to follow (the run is created when the worker starts it). */
export interface ImportAccepted {
  jobId: string;
}
