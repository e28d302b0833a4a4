import fs from 'node:fs';
import path from 'node:path';
import { ImportFileError } from '../../domain/import-archive.ts';

/**
 * The file an `etl.import` message names, only if it is a regular file directly in UPLOAD_DIR, symlinks resolved:
 * the queue is not a way to make the worker read (and then delete) any file the service's user can reach.
 * Returns the resolved path, which is the one to read and remove.
 */
export async function confinedUpload(uploadDir: string, queuedPath: string): Promise<string> {
  const refuse = (zh: string, en: string) => new ImportFileError(
    `${zh}，已拒绝 (the queued file ${JSON.stringify(queuedPath.slice(0, 200))} is ${en}; only files in UPLOAD_DIR are imported)`,
  );
  const dir = path.resolve(uploadDir);
  const candidate = path.resolve(dir, queuedPath);
  if (path.dirname(candidate) !== dir) throw refuse('文件路径不在上传目录 UPLOAD_DIR 内', 'outside UPLOAD_DIR');
  const [realDir, real] = await Promise.all([fs.promises.realpath(dir).catch(() => null), fs.promises.realpath(candidate).catch(() => null)]);
  if (!realDir || !real) throw new ImportFileError(`上传的文件已不存在 (the uploaded file is gone): ${path.basename(candidate)}`);
  if (path.dirname(real) !== realDir) throw refuse('文件是指向上传目录 UPLOAD_DIR 之外的链接', 'a link out of UPLOAD_DIR');
  const stat = await fs.promises.lstat(real);
  if (!stat.isFile()) throw refuse('不是上传目录 UPLOAD_DIR 里的普通文件', 'not a regular file');
  return real;
}
