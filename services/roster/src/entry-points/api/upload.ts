import path from 'node:path';
import type { Request } from 'express';
import busboy from 'busboy';
import { PayloadTooLargeError, ValidationError } from '@doitcrm/kit';

export interface CsvUpload {
  bytes: Buffer;
  fileName: string;
  fields: Record<string, string>;
}

/** One multipart CSV, held in memory (roster files are small), cut off as soon as it passes the stated limit. */
export async function receiveCsv(req: Request, maxBytes: number): Promise<CsvUpload> {
  const limitText = `${+(maxBytes / 1024 / 1024).toFixed(2)} MB`;
  if (!(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
    throw new ValidationError('请以 multipart/form-data 上传 CSV 文件（字段名 file）', [{ field: 'file', message: 'expected multipart/form-data with a file field' }]);
  }
  // browsers send UTF-8 file names; busboy's default (latin1) would garble every Chinese name
  const parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: maxBytes, fields: 10, fieldSize: 1024 } });
  const fields: Record<string, string> = {};
  const chunks: Buffer[] = [];
  let fileName: string | null = null;
  let tooLarge = false;
  parser.on('field', (name, value) => { fields[name] = value; });
  parser.on('file', (name, stream, info) => {
    if (name !== 'file' || fileName !== null) {
      stream.resume();
      return;
    }
    fileName = path.basename(info.filename || 'roster.csv').slice(0, 200);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('limit', () => { tooLarge = true; });
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('close', resolve);
    parser.on('error', reject);
    req.pipe(parser);
  });
  if (tooLarge) throw new PayloadTooLargeError(`文件超过上限 ${limitText}（ROSTER_MAX_UPLOAD_MB） (file larger than the ${limitText} limit)`);
  if (fileName === null) throw new ValidationError('没有收到文件', [{ field: 'file', message: 'no file field in the upload' }]);
  return { bytes: Buffer.concat(chunks), fileName, fields };
}
