import path from 'node:path';
import type { Request } from 'express';
import busboy from 'busboy';
import { PayloadTooLargeError, ValidationError } from '@doitcrm/kit';

/** One multipart file (field `file`), held in memory and cut off as soon as it passes the stated limit (roster's way). */
export async function receiveUpload(req: Request, maxBytes: number): Promise<{ bytes: Buffer; fileName: string }> {
  const limitText = `${+(maxBytes / 1024 / 1024).toFixed(2)} MB`;
  if (!(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
    throw new ValidationError('请以 multipart/form-data 上传文件（字段名 file）', [{ field: 'file', message: 'expected multipart/form-data with a file field' }]);
  }
  // browsers send UTF-8 file names; busboy's default (latin1) would garble every Chinese name
  const parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: maxBytes, fields: 10, fieldSize: 1024 } });
  const chunks: Buffer[] = [];
  let fileName: string | null = null;
  let tooLarge = false;
  parser.on('file', (name, stream, info) => {
    if (name !== 'file' || fileName !== null) {
      stream.resume();
      return;
    }
    fileName = path.basename(info.filename || 'export.csv').slice(0, 200);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('limit', () => { tooLarge = true; });
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('close', resolve);
    parser.on('error', reject);
    req.pipe(parser);
  });
  if (tooLarge) throw new PayloadTooLargeError(`文件超过上限 ${limitText}（FEISHU_SYNC_MAX_UPLOAD_MB） (file larger than the ${limitText} limit)`);
  if (fileName === null) throw new ValidationError('没有收到文件', [{ field: 'file', message: 'no file field in the upload' }]);
  return { bytes: Buffer.concat(chunks), fileName };
}
