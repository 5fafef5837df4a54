// File uploads (imports, review boundaries): multipart/form-data, streamed to a private temporary
// folder under the size cap, handed to the same readers as the command line, then deleted.
// Messages name the file as uploaded, never the temporary path.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import type { Limits } from '../config.ts';
import { DomainError, Invalid, TooLarge, Unsupported } from '../errors.ts';

export async function installUploads(app: FastifyInstance, limits: Limits): Promise<void> {
  await app.register(multipart, { limits: { fileSize: limits.uploadBytes, files: 12, fields: 30, fieldSize: 1024 * 1024, parts: 50 } });
}

export interface Upload {
  /** The file to open: the one uploaded, or the .shp among the parts of a Shapefile. */
  path: string;
  name: string;
  fields: Record<string, string>;
}

const SHP_PARTS = new Set(['.shp', '.shx', '.dbf', '.prj', '.cpg', '.qix', '.sbn', '.sbx', '.xml']);

function safeName(n: string): string {
  // Keep the name (Chinese included) but never a path: no separators, no leading dots.
  const b = basename(n.replace(/\\/g, '/'))
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f/]/g, '_')
    .replace(/^\.+/, '_');
  return b.slice(-150) || 'upload';
}

/**
 * Receives the upload, runs `use` on it and removes the temporary folder whatever happens. An
 * error thrown by `use` has the temporary folder stripped from its message and problems.
 */
export async function withUpload<T>(req: FastifyRequest, use: (u: Upload) => Promise<T>): Promise<T> {
  if (!req.isMultipart())
    throw new Unsupported(
      '上传须为 multipart/form-data，文件放在 file 字段 (send the file as multipart/form-data in a field named "file")',
    );
  const dir = await mkdtemp(join(tmpdir(), 'onemap-upload-'));
  try {
    const fields: Record<string, string> = {};
    const files: string[] = [];
    try {
      for await (const part of req.parts()) {
        if (part.type === 'file') {
          const name = safeName(part.filename || part.fieldname);
          await pipeline(part.file, createWriteStream(join(dir, name)));
          if (part.file.truncated) throw new TooLarge(`文件 ${name} 超过上传上限 (file exceeds the upload limit)`);
          files.push(name);
        } else {
          fields[part.fieldname] = String(part.value);
        }
      }
    } catch (e) {
      // A body cut short or without its boundaries is the sender's fault (400), not ours (500).
      const status = (e as { statusCode?: number }).statusCode;
      if (e instanceof DomainError || (status && status >= 400 && status < 500)) throw e;
      throw new Invalid(`上传内容不完整或格式错误，无法按 multipart/form-data 读取 (malformed multipart body: ${(e as Error).message})`, {
        code: 'malformed_upload',
      });
    }
    if (files.length === 0) throw new Invalid('没有收到文件 (no file in the upload: put it in a field named "file")');
    let main = files[0];
    if (files.length > 1) {
      const shp = files.filter((f) => extname(f).toLowerCase() === '.shp');
      const other = files.filter((f) => !SHP_PARTS.has(extname(f).toLowerCase()));
      if (shp.length !== 1 || other.length)
        throw new Invalid(
          `收到多个文件（${files.join('、')}）：请上传一个文件、一个 .zip，或同一个 Shapefile 的各部分 (several files were uploaded: send one file, a .zip, or the parts of one Shapefile .shp .shx .dbf .prj .cpg)`,
        );
      main = shp[0];
    }
    try {
      return await use({ path: join(dir, main), name: main, fields });
    } catch (e) {
      const err = e as Error & { problems?: unknown[] };
      const strip = (s: string) => s.split(`${dir}/`).join('').split(dir).join(main);
      err.message = strip(err.message);
      if (Array.isArray(err.problems))
        err.problems.forEach((p, i) => {
          err.problems![i] = JSON.parse(strip(JSON.stringify(p)));
        });
      throw err;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Lines of a successful answer (import or boundary warnings) with the temporary folder taken out,
 * so they name the file as uploaded, as error messages do.
 */
export function asUploaded(u: Upload, lines: string[]): string[] {
  const dir = `${dirname(u.path)}/`;
  return lines.map((l) => l.split(dir).join(''));
}

/** A form field as a number, or undefined; refuses text that is not one. */
export function numberField(f: Record<string, string>, name: string): number | undefined {
  const v = f[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n))
    throw new Invalid(`字段 ${name} 须为数字，收到“${v.slice(0, 50)}” (field ${name} must be a number, got "${v.slice(0, 50)}")`);
  return n;
}

export const booleanField = (f: Record<string, string>, name: string): boolean =>
  ['1', 'true', 'yes', 'on'].includes((f[name] ?? '').toLowerCase());
