/** The JSON the ETL service's API answers with: the server's own contract, plus what only the page needs. */
export type {
  ArchiveStats, ConflictMode, EtlStats, ImportAccepted, ImportCounts, ImportResult, ImportRun as Run, Page, QuarantineItem as QuarantinedLine,
  RunOrigin, RunStatus, SeqGap, SeqStats, EtlConfigInfo as EtlConfig,
} from '../src/contract.ts';

/** What the quarantine drawer needs to know about the run it shows. */
export interface QuarantineTarget {
  id: number;
  source?: string;
  quarantined?: number;
}
