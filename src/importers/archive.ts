// Limits on archives, checked on the zip's central directory before anything is unpacked
// (issue 22 item 6: a 4.2 MB zip bomb wrote 3.94 GB to the temporary folder before it was refused,
// and a zip of 30,000 entries took 102 s). The sizes a zip declares are enforced while unpacking
// too: yauzl refuses an entry whose data is longer than its directory says (validateEntrySizes).
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import yauzl from 'yauzl';

export interface ArchiveLimits {
  entries: number;
  bytes: number;
  ratio: number;
  ratioFrom: number;
}

export const ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  /** Entries in one archive: a shapefile package has a handful, a FileGDB folder a few hundred. */
  entries: 10_000,
  /**
   * Bytes once unpacked. A shapefile's .shp and .dbf are each at most 2 GiB (ESRI Shapefile
   * Technical Description, 32-bit offsets), so a whole layer fits in 5 GiB.
   */
  bytes: 5 * 1024 ** 3,
  /**
   * Compression ratio of one large entry. Attribute tables padded with blanks compress 10–50×;
   * a zip bomb's members run near deflate's limit of about 1,000×.
   */
  ratio: 500,
  /** Entries smaller than this are not held to the ratio (a tiny .cpg compresses oddly). */
  ratioFrom: 10 * 1024 ** 2,
});

const mb = (n: number) => `${(n / 1024 ** 2).toFixed(1)} MB`;

/** Reads the central directory and returns a Chinese-first reason to refuse the archive, or null. */
export async function archiveProblem(zipPath: string, limits: Readonly<ArchiveLimits> = ARCHIVE_LIMITS): Promise<string | null> {
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true, decodeStrings: true, strictFileNames: false });
  try {
    if (zip.entryCount > limits.entries)
      return `压缩包含 ${zip.entryCount} 个文件，超过上限 ${limits.entries} 个 (the archive has ${zip.entryCount} entries; the limit is ${limits.entries})`;
    let total = 0;
    for await (const e of zip.eachEntry()) {
      total += e.uncompressedSize;
      if (total > limits.bytes)
        return `压缩包解压后超过 ${mb(limits.bytes)}（至 ${e.fileName} 已达 ${mb(total)}） (the archive unpacks to more than ${mb(limits.bytes)})`;
      const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
      if (e.uncompressedSize >= limits.ratioFrom && ratio > limits.ratio)
        return `压缩包中的 ${e.fileName} 压缩比为 ${Math.round(ratio)}:1（${mb(e.compressedSize)} 解压为 ${mb(e.uncompressedSize)}），超过上限 ${limits.ratio}:1，疑似压缩炸弹 (compression ratio ${Math.round(ratio)}:1 exceeds ${limits.ratio}:1)`;
    }
    return null;
  } finally {
    zip.close();
  }
}

/**
 * Unpacks the members of a zip that `keep` accepts (by their name inside the zip) into `dest`.
 * Names without the zip's UTF-8 flag are decoded as UTF-8 when valid, else GBK: Chinese Windows
 * zips store 地类图斑.shp in GBK, and yauzl's CP437 default would garble the layer name shown to
 * the user. Call archiveProblem first: the limits are checked on the directory, not here.
 */
export async function extractZip(zipPath: string, dest: string, keep: (name: string) => boolean = () => true): Promise<void> {
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true, decodeStrings: false });
  try {
    for await (const entry of zip.eachEntry()) {
      const raw = entry.fileName as unknown as Buffer;
      const name = entry.generalPurposeBitFlag & 0x800 || isUtf8(raw) ? raw.toString('utf8') : iconv.decode(raw, 'GBK');
      const parts = name
        .replace(/\\/g, '/')
        .split('/')
        .filter((x) => x && x !== '.');
      // Zip-slip: a member may not climb out of the temp folder.
      if (parts.includes('..') || /^[a-zA-Z]:/.test(parts[0] ?? '')) throw new Error(`unsafe path in zip: ${name}`);
      if (name.endsWith('/') || !parts.length || !keep(name)) continue;
      if (parts.some((x) => x === '__MACOSX' || x.startsWith('._'))) continue;
      const target = join(dest, ...parts);
      await mkdir(dirname(target), { recursive: true });
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target));
    }
  } finally {
    zip.close();
  }
}
