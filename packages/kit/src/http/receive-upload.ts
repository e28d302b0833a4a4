import path from 'node:path';
import type { Request } from 'express';
import busboy from 'busboy';
import { PayloadTooLargeError, ValidationError } from '../errors.ts';

export interface ReceivedUpload {
  bytes: Buffer;
  fileName: string;
  /** the form's other fields (at most 10, 1 KB each) */
  fields: Record<string, string>;
}

export interface UploadLimits {
  maxBytes: number;
  /** the setting that raises the limit, named in the 413 so an operator knows what to change */
  limitSetting: string;
  /** the file name when the browser sent none */
  defaultFileName: string;
}

/**
 * One multipart file (field `file`) held in memory — the spreadsheets people upload are small — and cut off as soon
 * as it passes the stated limit, so an endless upload costs no more than the limit.
 */
export async function receiveUpload(req: Request, limits: UploadLimits): Promise<ReceivedUpload> {
  const limitText = `${+(limits.maxBytes / 1024 / 1024).toFixed(2)} MB`;
  if (!(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
    throw new ValidationError('请以 multipart/form-data 上传文件（字段名 file）', [{ field: 'file', message: 'expected multipart/form-data with a file field' }]);
  }
  // browsers send UTF-8 file names; busboy's default (latin1) would garble every Chinese name
  const parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: limits.maxBytes, fields: 10, fieldSize: 1024 } });
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
    fileName = path.basename(info.filename || limits.defaultFileName).slice(0, 200);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('limit', () => { tooLarge = true; });
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('close', resolve);
    parser.on('error', reject);
    req.pipe(parser);
  });
  if (tooLarge) throw new PayloadTooLargeError(`文件超过上限 ${limitText}（${limits.limitSetting}） (file larger than the ${limitText} limit)`);
  if (fileName === null) throw new ValidationError('没有收到文件', [{ field: 'file', message: 'no file field in the upload' }]);
  return { bytes: Buffer.concat(chunks), fileName, fields };
}
