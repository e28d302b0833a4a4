/** What one archive file may cost the reader, whatever it holds (set by MAX_LINE_KB and MAX_DECOMPRESSED_MB). */
export interface LineLimits {
  /** a longer line is quarantined (its length and a prefix) and reading resumes at the next newline */
  maxLineBytes: number;
  /** a gzip file that decompresses to more stops there, keeping the lines before */
  maxDecompressedBytes: number;
}

export const DEFAULT_MAX_LINE_KB = 4_096;
export const DEFAULT_MAX_DECOMPRESSED_MB = 20_480;

export function lineLimits(config: { MAX_LINE_KB: number; MAX_DECOMPRESSED_MB: number }): LineLimits {
  return { maxLineBytes: config.MAX_LINE_KB * 1024, maxDecompressedBytes: config.MAX_DECOMPRESSED_MB * 1024 * 1024 };
}

/**
 * The file's content itself cannot be read on (a gzip bomb past the limit, corrupt gzip data): the same file fails
 * the same way every time, so a job that meets it fails at once instead of being retried.
 */
export class ArchiveInputError extends Error {
  constructor(readonly zh: string, readonly en: string) {
    super(`${zh} (${en})`);
  }
}
