import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Request } from 'express';
import busboy from 'busboy';
import { PayloadTooLargeError, ValidationError } from '@doitcrm/kit';

export interface ReceivedUpload {
  filePath: string;
  originalName: string;
  size: number;
  fields: Record<string, string>;
}

/** Streams one multipart file to disk (never into memory), enforcing the size limit as the bytes arrive. */
export async function receiveUpload(req: Request, options: { uploadDir: string; maxBytes: number }): Promise<ReceivedUpload> {
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    throw new ValidationError('请以 multipart/form-data 上传文件', [{ field: 'file', message: 'expected multipart/form-data with a file field' }]);
  }
  await fs.promises.mkdir(options.uploadDir, { recursive: true, mode: 0o700 });
  // browsers send UTF-8 file names; busboy's default (latin1) would garble every Chinese name
  const parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: options.maxBytes, fields: 10, fieldSize: 1024 } });
  const fields: Record<string, string> = {};
  let received: ReceivedUpload | undefined;
  let partial: { filePath: string; stream: Readable; writing: Promise<void> } | undefined;
  let tooLarge = false;
  let failure: Error | undefined;

  parser.on('field', (name, value) => { fields[name] = value; });
  parser.on('file', (name, stream, info) => {
    if (name !== 'file' || partial) {
      stream.resume();
      return;
    }
    // the client's file name is only a label: never a path on our disk
    const filePath = path.join(options.uploadDir, `${randomUUID()}.upload`);
    const originalName = path.basename(info.filename || 'archive.jsonl').slice(0, 200);
    let size = 0;
    stream.on('data', (chunk: Buffer) => { size += chunk.length; });
    stream.on('limit', () => { tooLarge = true; });
    const writing = pipeline(stream, fs.createWriteStream(filePath, { mode: 0o600 })).then(() => {
      received = { filePath, originalName, size, fields };
    }, (error: Error) => { failure = error; });
    partial = { filePath, stream, writing };
  });

  try {
    await pipeline(req, parser);
    await partial?.writing;
    if (tooLarge) throw new PayloadTooLargeError(`文件超过上限 ${Math.round(options.maxBytes / 1024 / 1024)} MB (file larger than the limit)`);
    if (failure) throw failure;
  } catch (error) {
    // a client that went away mid-body, or a body past the limit: what arrived is not an archive, and nobody will
    // ever import it, so it must not stay on the disk (it holds families' chats)
    if (partial) {
      partial.stream.destroy();
      await partial.writing;
      await fs.promises.rm(partial.filePath, { force: true });
    }
    throw error;
  }
  if (!received) throw new ValidationError('没有收到文件', [{ field: 'file', message: 'no file field in the upload' }]);
  if (received.size === 0) {
    await fs.promises.rm(received.filePath, { force: true });
    throw new ValidationError('文件是空的', [{ field: 'file', message: 'the file is empty' }]);
  }
  if (!(await looksLikeArchive(received.filePath))) {
    await fs.promises.rm(received.filePath, { force: true });
    throw new ValidationError(`${received.originalName} 不是 JSONL 聊天归档：第一行应以 { 开头，或为 gzip 压缩文件`, [
      { field: 'file', file: received.originalName, line: 1, message: 'not JSONL: the first line does not start with { and the file is not gzip' },
    ]);
  }
  return received;
}

/** A JSONL archive starts with `{` (after blank space or a BOM), or is gzip. */
async function looksLikeArchive(filePath: string): Promise<boolean> {
  const handle = await fs.promises.open(filePath, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
    const text = head.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    return text.startsWith('{');
  } finally {
    await handle.close();
  }
}
