/** The JSON the ETL service's API answers with (kept here until the service publishes its own contract types). */

export type RunOrigin = 'cli' | 'upload' | 'queue' | 'bench' | 'demo';
export type RunStatus = 'running' | 'succeeded' | 'failed';
export type ConflictMode = 'skip' | 'update';

/** One import of one archive file. */
export interface Run {
  id: number;
  source: string;
  origin: RunOrigin;
  conflictMode: ConflictMode;
  status: RunStatus;
  lines: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  duplicatesInFile: number;
  minMsgtime: string | null;
  maxMsgtime: string | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  jobId: string | null;
  /** The id of the user who started it (null for CLI and bench runs). */
  startedBy: number | null;
  /** display name (or username) of who started it; null for the CLI */
  startedByName: string | null;
  /** Size of the file read, when known. */
  bytesTotal?: number | null;
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
  max: number;
  min: number;
  gapCount: number;
  missingTotal: number;
  gaps: SeqGap[];
}

export interface EtlStats {
  totalMessages: number;
  oldestMsgtime: string | null;
  newestMsgtime: string | null;
  seq: SeqStats | null;
  lastRun: Run | null;
}

export interface EtlConfig {
  maxUploadBytes: number;
  acceptedExtensions: string[];
}

/** A line of an archive file that could not be loaded, kept verbatim for inspection. */
export interface QuarantinedLine {
  lineNo: number;
  reason: string;
  rawText: string;
}

/** The `result` of a finished import job. */
export interface ImportResult {
  /** The run the job wrote (its history row and quarantine). */
  runId?: number;
  lines: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  duplicatesInFile?: number;
  durationMs: number;
}

/** `POST /api/imports` answers 202 with the job to follow (the run is created when the worker starts it). */
export interface ImportAccepted {
  jobId: string;
  runId?: number;
}

/** What the quarantine drawer needs to know about the run it shows. */
export interface QuarantineTarget {
  id: number;
  source?: string;
  quarantined?: number;
}
