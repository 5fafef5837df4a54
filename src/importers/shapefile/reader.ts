// Shapefile reader: .shp + .shx + .dbf (+ .prj, .cpg), given as the .shp, its folder, or a .zip.
// Both files are streamed through fixed buffers (a 1 GB parcel layer must not land in memory), and
// every structural problem is reported with the file, record number and byte offset, because the
// usual cause is a copy cut short on a USB stick or a mail attachment limit.
import { mkdtemp, open, readdir, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { archiveProblem, extractZip } from '../archive.ts';
import { EXPORT_ID_FIELD, ImportError, type ReaderOptions, type SourceFeature, type SourceInfo, type SourceReader } from '../types.ts';
import { DBF_PREFIX, DbfDecoder, dbfHeaderLength, decodeFieldNames, parseDbfHeader, textSamples, type DbfHeader } from './dbf.ts';
import { resolveEncoding } from './encoding.ts';
import { prjToSrid } from './prj.ts';
import { UndecodableText } from '../undecodable.ts';
import { Latin1Text } from '../latin1.ts';
import { declaredGeometryType, parseShpHeader, ShpDecoder, SHP_HEADER_BYTES, SHP_RECORD_HEADER_BYTES } from './shp.ts';

const CHUNK = 4 << 20;
/** Bytes of dbf records sampled to tell UTF-8 from GBK when nothing declares the encoding. */
const ENCODING_SAMPLE = 256 << 10;

/** A sliding window over a file: `at` is the buffer index of file position `pos`. */
class Window {
  buf: Buffer;
  start = 0; // file offset of buf[0]
  len = 0;
  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    public pos: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size - pos, 64)));
  }
  /** true when [pos, pos + n) is buffered. */
  has(n: number): boolean {
    return this.pos + n <= this.start + this.len;
  }
  get at(): number {
    return this.pos - this.start;
  }
  /** Buffers at least n bytes from pos; false when the file ends first. */
  async fill(n: number): Promise<boolean> {
    const keep = Math.max(0, this.start + this.len - this.pos);
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
      if (keep) this.buf.copy(bigger, 0, this.at, this.at + keep);
      this.buf = bigger;
    } else if (keep) this.buf.copyWithin(0, this.at, this.at + keep);
    this.start = this.pos;
    this.len = keep;
    while (this.len < n) {
      const want = Math.min(this.buf.length - this.len, this.size - (this.start + this.len));
      if (want <= 0) return false;
      const { bytesRead } = await this.fh.read(this.buf, this.len, want, this.start + this.len);
      if (bytesRead === 0) return false;
      this.len += bytesRead;
    }
    return true;
  }
}

const SHAPEFILE_PARTS = new Set(['.shp', '.shx', '.dbf', '.prj', '.cpg']);

/** Finds `<base>.<ext>` next to a .shp regardless of case (Windows tools write FOO.SHP, foo.dbf, ...). */
function sidecar(names: string[], dir: string, base: string, ext: string): string | undefined {
  const want = `${base}.${ext}`.toLowerCase();
  const hit = names.find((n) => n.toLowerCase() === want);
  return hit ? join(dir, hit) : undefined;
}

async function findShp(root: string, recursive: boolean): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name === '__MACOSX') continue;
    if (e.isDirectory() && recursive) out.push(...(await findShp(join(root, e.name), true)));
    else if (e.isFile() && extname(e.name).toLowerCase() === '.shp') out.push(join(root, e.name));
  }
  return out.sort();
}

function pickShp(found: string[], userPath: string, layer: string | undefined, what: string): string {
  const base = (p: string) => basename(p, extname(p));
  if (layer) {
    const hit = found.find((p) => base(p).toLowerCase() === layer.toLowerCase());
    if (!hit)
      throw new ImportError({
        file: userPath,
        reason: `no shapefile named "${layer}" in the ${what}; it holds: ${found.map(base).join(', ') || 'none'}`,
      });
    return hit;
  }
  if (found.length === 0) throw new ImportError({ file: userPath, reason: `the ${what} holds no .shp file` });
  if (found.length > 1) {
    throw new ImportError({
      file: userPath,
      reason: `the ${what} holds ${found.length} shapefiles (${found.map(base).join(', ')}); pick one with --layer <name>`,
    });
  }
  return found[0];
}

/**
 * Opens a shapefile for streaming. `opts.encoding` overrides the attribute encoding; `opts.layer`
 * picks one shapefile from a folder or zip holding several. An unrecognised or Beijing 1954 /
 * Xian 1980 .prj is refused unless the caller's options carry an explicit `srid` (--srid).
 */
export async function openShapefile(path: string, opts: ReaderOptions): Promise<SourceReader> {
  let tempDir: string | undefined;
  const handles: FileHandle[] = [];
  const cleanup = async () => {
    await Promise.all(handles.splice(0).map((h) => h.close().catch(() => undefined)));
    if (tempDir) await rm(tempDir, { recursive: true, force: true }).catch(() => undefined);
    tempDir = undefined;
  };
  try {
    let st;
    try {
      st = await stat(path);
    } catch {
      throw new ImportError({ file: path, reason: 'file not found' });
    }
    let shpPath: string;
    if (st.isDirectory()) shpPath = pickShp(await findShp(path, false), path, opts.layer, 'folder');
    else if (extname(path).toLowerCase() === '.zip') {
      let refused: string | null;
      try {
        refused = await archiveProblem(path);
      } catch (e) {
        throw new ImportError({ file: path, reason: `cannot unpack the zip: ${(e as Error).message}` });
      }
      if (refused) throw new ImportError({ file: path, reason: refused });
      tempDir = await mkdtemp(join(tmpdir(), 'onemap-shp-'));
      try {
        await extractZip(path, tempDir, (name) => SHAPEFILE_PARTS.has(extname(name).toLowerCase()));
      } catch (e) {
        throw new ImportError({ file: path, reason: `cannot unpack the zip: ${(e as Error).message}` });
      }
      shpPath = pickShp(await findShp(tempDir, true), path, opts.layer, 'zip');
    } else shpPath = path;

    const dir = dirname(shpPath);
    const base = basename(shpPath, extname(shpPath));
    const names = await readdir(dir);
    // Names in messages point at what the user has: inside a zip, "x.zip: dltb.dbf", not a temp path.
    const shown = (p: string) => (tempDir ? `${path}: ${p.slice(tempDir.length + 1)}` : p);
    const need = (ext: string, why: string) => {
      const p = sidecar(names, dir, base, ext);
      if (!p)
        throw new ImportError({
          file: shown(join(dir, `${base}.${ext}`)),
          reason: `missing: a shapefile needs its .${ext} (${why}) next to ${basename(shpPath)}`,
        });
      return p;
    };
    const shxPath = need('shx', 'the record index');
    const dbfPath = need('dbf', 'the attribute table');

    const shpFh = await open(shpPath, 'r');
    handles.push(shpFh);
    const shxFh = await open(shxPath, 'r');
    handles.push(shxFh);
    const dbfFh = await open(dbfPath, 'r');
    handles.push(dbfFh);
    const [shpSize, shxSize, dbfSize] = await Promise.all([shpFh, shxFh, dbfFh].map(async (h) => (await h.stat()).size));

    const head = Buffer.alloc(SHP_HEADER_BYTES);
    await shpFh.read(head, 0, SHP_HEADER_BYTES, 0);
    let shpHeader;
    try {
      shpHeader = parseShpHeader(head.subarray(0, Math.min(shpSize, SHP_HEADER_BYTES)));
    } catch (e) {
      throw new ImportError({ file: shown(shpPath), reason: (e as Error).message });
    }
    const shxRecords = Math.max(0, Math.floor((shxSize - SHP_HEADER_BYTES) / 8));
    if (shpHeader.fileLength > shpSize) await reportTruncation(shxFh, shxRecords, shpSize, shpHeader.fileLength, shown(shpPath));

    const prefix = Buffer.alloc(DBF_PREFIX);
    await dbfFh.read(prefix, 0, DBF_PREFIX, 0);
    let dbf: DbfHeader;
    try {
      if (dbfSize < DBF_PREFIX) throw new Error(`the file is ${dbfSize} bytes, shorter than a dBASE header`);
      const hb = Buffer.alloc(Math.min(dbfHeaderLength(prefix), dbfSize));
      await dbfFh.read(hb, 0, hb.length, 0);
      dbf = parseDbfHeader(hb);
    } catch (e) {
      throw new ImportError({ file: shown(dbfPath), reason: `not a readable dBASE table: ${(e as Error).message}` });
    }
    const dbfNeeded = dbf.headerLength + dbf.recordCount * dbf.recordLength;
    if (dbfSize < dbfNeeded) {
      const whole = Math.max(0, Math.floor((dbfSize - dbf.headerLength) / dbf.recordLength));
      throw new ImportError({
        file: shown(dbfPath),
        feature: String(whole + 1),
        reason: `file ends inside record ${whole + 1} (${dbfSize} of ${dbfNeeded} bytes the header promises for ${dbf.recordCount} records): the .dbf is truncated`,
      });
    }
    // The .shx is only an index: records are read in order from the .shp, and its entries are
    // compared with what is read there (a warning, see readFeatures). The .shp itself must still
    // hold as many records as the .dbf, or the import is refused there.
    const shx = new Window(shxFh, shxSize, SHP_HEADER_BYTES);

    const cpgPath = sidecar(names, dir, base, 'cpg');
    const sample = Buffer.alloc(Math.min(ENCODING_SAMPLE - (ENCODING_SAMPLE % dbf.recordLength), dbfSize - dbf.headerLength));
    if (sample.length) await dbfFh.read(sample, 0, sample.length, dbf.headerLength);
    let encoding;
    try {
      encoding = resolveEncoding({
        override: opts.encoding,
        cpg: cpgPath ? await readFile(cpgPath, 'latin1') : undefined,
        ldid: dbf.ldid,
        samples: () => textSamples(dbf, sample),
      });
    } catch (e) {
      throw new ImportError({ file: path, reason: (e as Error).message });
    }
    decodeFieldNames(dbf, encoding.encoding);

    const info: SourceInfo = {
      path,
      warnings: [],
      format: 'shapefile',
      encoding: encoding.encoding,
      totalBytes: shpSize + dbfSize,
      featureCount: dbf.recordCount,
      geometryType: declaredGeometryType(shpHeader.shapeType),
    };
    const prjPath = sidecar(names, dir, base, 'prj');
    if (prjPath) {
      try {
        const { srid, source } = prjToSrid(await readFile(prjPath, 'utf8'));
        info.srid = srid;
        info.sridSource = source;
      } catch (e) {
        if (opts.srid === undefined) throw new ImportError({ file: shown(prjPath), reason: (e as Error).message });
        info.sridSource = `${(e as Error).message} (overridden by --srid)`;
      }
    }

    // Reads run to the real end of file: a header that only misstates the length (see reportTruncation) is harmless.
    const shp = new Window(shpFh, shpSize, SHP_HEADER_BYTES);
    const dbfWin = new Window(dbfFh, dbfSize, dbf.headerLength);
    let started = false;
    const reader: SourceReader = {
      info,
      features: () => {
        // Both windows advance as records are read; a second pass would start mid-file.
        if (started) throw new Error('features() of a shapefile reader can only be iterated once');
        started = true;
        const files = { shp: shown(shpPath), shx: shown(shxPath), dbf: shown(dbfPath) };
        // GBK guessed (no --encoding, no .cpg) may be Latin-1 that happens to be valid GBK.
        const guessedGbk = encoding.encoding === 'GBK' && !/^(--encoding|\.cpg)/.test(encoding.source);
        const latin1 = guessedGbk ? new Latin1Text(files.dbf, info.warnings!) : undefined;
        const features = readFeatures(shp, dbfWin, shx, dbf, encoding.encoding, files, shpSize, info.warnings!, latin1);
        // Release files and the unpacked zip as soon as iteration ends (done, error or break), even
        // if the caller never gets to close().
        return (async function* () {
          try {
            yield* features;
          } finally {
            await cleanup();
          }
        })();
      },
      bytesRead: () => shp.pos + dbfWin.pos,
      close: cleanup,
    };
    return reader;
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** The header promises more bytes than the .shp has: find, via the .shx, the first record cut off. */
async function reportTruncation(shx: FileHandle, n: number, actual: number, declared: number, file: string): Promise<void> {
  const entry = Buffer.alloc(8);
  const endOf = async (i: number) => {
    await shx.read(entry, 0, 8, SHP_HEADER_BYTES + 8 * i);
    const off = entry.readUInt32BE(0) * 2;
    return { off, end: off + SHP_RECORD_HEADER_BYTES + entry.readUInt32BE(4) * 2 };
  };
  // Records are stored in order, so the ends are increasing: binary search for the first that overruns.
  let lo = 0,
    hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((await endOf(mid)).end > actual) hi = mid;
    else lo = mid + 1;
  }
  // Every indexed record fits: only the header's length is wrong, and the records are still readable.
  if (lo === n && n > 0) return;
  const off = lo < n ? (await endOf(lo)).off : SHP_HEADER_BYTES;
  throw new ImportError({
    file,
    feature: String(lo + 1),
    reason: `file ends inside record ${lo + 1} (offset ${off} of ${actual} bytes; the header says ${declared}): the .shp is truncated`,
  });
}

async function* readFeatures(
  shp: Window,
  dbf: Window,
  shx: Window,
  header: DbfHeader,
  encoding: string,
  files: { shp: string; shx: string; dbf: string },
  shpSize: number,
  warnings: string[],
  latin1?: Latin1Text,
): AsyncGenerator<SourceFeature> {
  const file = files.shp;
  const undecodable = new UndecodableText(files.dbf, encoding, warnings);
  const shxRecords = Math.max(0, Math.floor((shx.size - SHP_HEADER_BYTES) / 8));
  // Only the first entry that disagrees is named: after one shifted offset every later one differs too.
  let shxMismatch = false;
  const geom = new ShpDecoder();
  const attrs = new DbfDecoder(header, encoding);
  const recLen = header.recordLength;
  const count = header.recordCount;
  for (let rec = 1; rec <= count; rec++) {
    if (!dbf.has(recLen) && !(await dbf.fill(recLen))) {
      throw new ImportError({ file, feature: String(rec), reason: `the .dbf ends before record ${rec}` });
    }
    const recordAt = shp.pos;
    if (!shp.has(SHP_RECORD_HEADER_BYTES) && !(await shp.fill(SHP_RECORD_HEADER_BYTES))) {
      if (recordAt >= shp.size) {
        throw new ImportError({ file, feature: String(rec), reason: `the .shp holds ${rec - 1} records but the .dbf holds ${count}` });
      }
      throw truncated(file, rec, recordAt, shpSize);
    }
    const contentLen = shp.buf.readInt32BE(shp.at + 4) * 2;
    if (contentLen < 4) {
      throw new ImportError({
        file,
        feature: String(rec),
        reason: `record ${rec} at offset ${recordAt} declares ${contentLen} content bytes: the .shp is damaged`,
      });
    }
    const total = SHP_RECORD_HEADER_BYTES + contentLen;
    if (!shp.has(total) && !(await shp.fill(total))) throw truncated(file, rec, recordAt, shpSize);
    if (!shxMismatch && rec <= shxRecords && (shx.has(8) || (await shx.fill(8)))) {
      const off = shx.buf.readUInt32BE(shx.at) * 2;
      const len = shx.buf.readUInt32BE(shx.at + 4) * 2;
      shx.pos += 8;
      if (off !== recordAt || len !== contentLen) {
        shxMismatch = true;
        warnings.push(
          `文件 ${files.shx} 与 ${files.shp} 不一致：第 ${rec} 条记录在 .shx 中的偏移为 ${off}、内容长度 ${len} 字节，在 .shp 中为偏移 ${recordAt}、长度 ${contentLen} 字节；已按 .shp 中的顺序读取 (${files.shx} does not match ${files.shp}: record ${rec} is at offset ${off}, ${len} bytes in the .shx but at ${recordAt}, ${contentLen} bytes in the .shp; read in order from the .shp)`,
        );
      }
    }

    const deleted = DbfDecoder.isDeleted(dbf.buf, dbf.at);
    let wkb: Buffer | null = null;
    let props: Record<string, unknown> | undefined;
    if (!deleted) {
      try {
        wkb = geom.decode(shp.buf, shp.at + SHP_RECORD_HEADER_BYTES, contentLen);
      } catch (e) {
        throw new ImportError({ file, feature: String(rec), reason: `record ${rec} at offset ${recordAt}: ${(e as Error).message}` });
      }
      props = attrs.decode(dbf.buf, dbf.at);
      undecodable.check(`第 ${rec} 条记录`, props);
      latin1?.check(`第 ${rec} 条记录`, props);
    }
    shp.pos += total;
    dbf.pos += recLen;
    // Deleted rows are gone for every dBASE-aware tool (GDAL, ArcGIS); they keep their number, so fids stay stable.
    if (props) {
      // dBASE has no feature id: onemap's own exports carry it in EXPORT_ID_FIELD, taken back as the id.
      const own = props[EXPORT_ID_FIELD];
      delete props[EXPORT_ID_FIELD];
      const id = typeof own === 'string' || typeof own === 'number' ? String(own).trim() : '';
      yield { fid: id || String(rec), wkb, props, location: `record ${rec}`, ...(id ? {} : { positional: true }) };
    }
  }
  // Records the .dbf has no row for: the files do not belong together (the .shx count used to catch this).
  if (shp.size - shp.pos >= SHP_RECORD_HEADER_BYTES)
    throw new ImportError({
      file,
      feature: String(count + 1),
      reason: `the .shp holds more records than the ${count} of the .dbf (record ${count + 1} at offset ${shp.pos} of ${shp.size} bytes): the files do not belong together or one is damaged`,
    });
  undecodable.finish();
  latin1?.finish();
  if (shxRecords !== count)
    warnings.push(
      `文件 ${files.shx} 与 ${files.shp} 不一致：.shx 索引 ${shxRecords} 条记录，.shp 与 .dbf 有 ${count} 条；已按 .shp 中的顺序读取全部 ${count} 条，.shx 可能被截断或不属于这组文件 (${files.shx} indexes ${shxRecords} records but ${files.shp} and the .dbf hold ${count}: all ${count} read in order from the .shp)`,
    );
}

function truncated(file: string, rec: number, offset: number, size: number): ImportError {
  return new ImportError({
    file,
    feature: String(rec),
    reason: `file ends inside record ${rec} (offset ${offset} of ${size} bytes): the .shp is truncated`,
  });
}
