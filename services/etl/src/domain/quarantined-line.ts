export interface QuarantinedLine {
  lineNo: number;
  seq?: number | null;
  reason: string;
  rawText: string;
}
