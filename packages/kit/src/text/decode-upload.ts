import iconv from 'iconv-lite';

export type DetectedEncoding = 'utf8-bom' | 'utf8' | 'gb18030';

export const ENCODING_LABELS: Readonly<Record<DetectedEncoding, string>> = {
  'utf8-bom': 'UTF-8（带 BOM）',
  utf8: 'UTF-8',
  gb18030: 'GBK / GB18030',
};

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Excel on a Chinese Windows saves CSV as GBK, on a Mac as UTF-8, "CSV UTF-8" adds a BOM: take the BOM at its word,
 * then strict UTF-8, and only then GB18030 (a superset of GBK and GB2312, so every such file decodes).
 */
export function decodeTextUpload(bytes: Buffer): { text: string; encoding: DetectedEncoding } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf8-bom' };
  }
  try {
    return { text: utf8Strict.decode(bytes), encoding: 'utf8' };
  } catch {
    return { text: iconv.decode(bytes, 'gb18030'), encoding: 'gb18030' };
  }
}

/** An .xlsx is a zip: it starts with the local file header PK\x03\x04. */
export const isZip = (bytes: Buffer): boolean => bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

/** A binary file (xlsx, zip, image) is not a CSV in any encoding: NUL bytes never appear in text. */
export function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 4096).includes(0) || isZip(bytes);
}
