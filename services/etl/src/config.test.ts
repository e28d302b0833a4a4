import { describe, expect, it } from 'vitest';
import { ConfigError } from '@doitcrm/kit';
import { loadEtlConfig } from './config.ts';
import { lineLimits } from './domain/line-limits.ts';

describe('etl config', () => {
  it('when the import limits are not set, then a line may be 4 MiB and a .gz may expand to 20 GiB', () => {
    const config = loadEtlConfig({});

    expect(lineLimits(config)).toEqual({ maxLineBytes: 4 * 1024 * 1024, maxDecompressedBytes: 20 * 1024 * 1024 * 1024 });
  });

  it('when the import limits are not positive whole numbers, then every bad one is named at once', () => {
    let error: unknown;
    try {
      loadEtlConfig({ MAX_LINE_KB: '0', MAX_DECOMPRESSED_MB: 'lots' });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('MAX_LINE_KB');
    expect((error as Error).message).toContain('MAX_DECOMPRESSED_MB');
  });
});
