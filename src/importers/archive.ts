// Limits on archives, checked on the zip's central directory before anything is unpacked
// (issue 22 item 6: a 4.2 MB zip bomb wrote 3.94 GB to the temporary folder before it was refused,
// and a zip of 30,000 entries took 102 s). The sizes a zip declares are enforced while unpacking
// too: yauzl refuses an entry whose data is longer than its directory says (validateEntrySizes).
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
