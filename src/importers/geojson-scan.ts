// The byte scanner of the streamed GeoJSON reader (geojson.ts): cuts each feature object out of the
// top-level "features" array (or each top-level value of a sequence) without decoding the file.
// Every structural character is ASCII; in UTF-8 every byte of a multi-byte character is >= 0x80, and
// in double-byte encodings (GBK, GB18030, Big5) a lead byte >= 0x81 is skipped with its trail byte,
// which may be any byte from 0x40 (0x5C, the backslash, among them). A value is decoded once it is complete.
import iconv from 'iconv-lite';
import { ImportError } from './types.ts';

/** A feature (or top-level Feature/Geometry) cut out of the stream, not yet parsed. */
export interface ScannedValue {
  text: string;
  /** 1-based feature number across the file. */
  index: number;
  /** 1-based line where the value starts. */
  line: number;
  /** true for a top-level value (sequence element / single Feature / Geometry), false for a features[] element. */
  top: boolean;
}

// Byte classes; everything else (digits, letters, '.', '-', UTF-8 bytes) is 0 and skipped fast.
const QUOTE = 1,
  OPEN = 2,
  CLOSE = 3,
  COMMA = 4,
  COLON = 5,
  NEWLINE = 6,
  SPACE = 7;
const CLS = new Uint8Array(256);
CLS[0x22] = QUOTE;
CLS[0x7b] = OPEN;
CLS[0x5b] = OPEN;
CLS[0x7d] = CLOSE;
CLS[0x5d] = CLOSE;
CLS[0x2c] = COMMA;
CLS[0x3a] = COLON;
CLS[0x0a] = NEWLINE;
CLS[0x20] = SPACE;
CLS[0x09] = SPACE;
CLS[0x0d] = SPACE;
CLS[0x1e] = SPACE; // 0x1e = RS (RFC 8142)
const FEATURES_KEY = Buffer.from('features');

/**
 * Push-style scanner: feed chunks with push(), collect finished values with take(), call end() at EOF.
 * Exported so tests can drive it with arbitrary chunk boundaries.
 */
export class GeoJsonScanner {
  private depth = 0;
  private inString = false;
  private escape = false;
  private line = 1;
  private offset = 0; // absolute offset of the current chunk's first byte
  // Capture of the value being cut out: a top-level object until "features" begins, or one feature.
  private capture: 'none' | 'top' | 'feature' = 'none';
  private capParts: Buffer[] = [];
  private capAbs = 0; // absolute offset where the capture starts
  private capLine = 0;
  // Member names of the top-level object (depth 1), to find "features".
  private expectKey = false;
  private key: number[] | null = null;
  private keyAbs = 0;
  private lastKeyIsFeatures = false;
  private inFeatures = false;
  private seenValue = false;
  private topLine = 0;
  private count = 0;
  private out: ScannedValue[] = [];
  /** Members of the first FeatureCollection before "features", as JSON text, e.g. '{"type":…,"crs":…}'. */
  headerText: string | undefined;
  /** True once enough is read to know the file's CRS: "features" has begun or a first value is complete. */
  headerDone = false;

  /** Double-byte text (GBK, GB18030, Big5): a trail byte may be 0x5C "\\", which must not read as an escape. */
  private readonly dbcs: boolean;

  constructor(
    private readonly file: string,
    /** Text encoding of the file (iconv-lite name); structure is ASCII in every encoding accepted. */
    readonly encoding = 'UTF-8',
  ) {
    this.dbcs = !/^utf-?8$/i.test(encoding);
  }

  private decode(bytes: Buffer, from?: number, to?: number): string {
    if (!this.dbcs) return bytes.toString('utf8', from, to);
    return iconv.decode(bytes.subarray(from ?? 0, to ?? bytes.length), this.encoding);
  }

  take(): ScannedValue[] {
    const o = this.out;
    this.out = [];
    return o;
  }

  push(buf: Buffer): void {
    const n = buf.length;
    let i = 0;
    let depth = this.depth;
    let line = this.line;
    // Where the active capture starts in this chunk (0 when it began in an earlier chunk).
    let capIdx = this.capture === 'none' ? -1 : 0;
    let inString = this.inString;
    while (i < n) {
      if (inString) {
        if (this.escape) {
          this.escape = false;
          i++;
          continue;
        }
        const key = this.key;
        if (key) {
          for (; i < n; i++) {
            const c = buf[i];
            if (c === 0x22 || c === 0x5c) break;
            if (key.length <= FEATURES_KEY.length) key.push(c);
            if (c >= 0x81 && this.dbcs && ++i >= n) this.escape = true;
          }
        } else {
          for (; i < n; i++) {
            const c = buf[i];
            if (c === 0x22 || c === 0x5c) break;
            // A lead byte takes the next byte with it, even across a chunk boundary (escape = skip one).
            if (c >= 0x81 && this.dbcs && ++i >= n) this.escape = true;
          }
        }
        if (i >= n) break;
        i++;
        if (buf[i - 1] === 0x5c) {
          this.escape = true;
          continue;
        }
        inString = false;
        if (key) {
          this.lastKeyIsFeatures = key.length === FEATURES_KEY.length && FEATURES_KEY.equals(Buffer.from(key));
          this.key = null;
        }
        continue;
      }
      // Deep inside a feature (coordinates) only nesting and newlines matter; this loop takes
      // nearly all bytes of a typical file and leaves strings and the feature's end to the switch.
      if (depth > 2) {
        for (; i < n; i++) {
          const k = CLS[buf[i]];
          if (k === 0 || k === COMMA || k === SPACE || k === COLON) continue;
          if (k === OPEN) depth++;
          else if (k === NEWLINE) line++;
          else if (k === CLOSE && depth > 3) depth--;
          else break;
        }
        if (i >= n) break;
      }
      const c = buf[i];
      const k = CLS[c];
      if (k === 0) {
        if (depth <= 2) this.plainByte(c, depth, i, line);
        i++;
        continue;
      }
      switch (k) {
        case QUOTE:
          if (depth === 2 && this.inFeatures) this.fail(line, `features[${this.count}] is a string, not a Feature object`);
          inString = true;
          if (depth === 1 && this.expectKey && this.capture === 'top') {
            this.key = [];
            this.keyAbs = this.offset + i;
          }
          break;
        case OPEN:
          if (depth === 0) {
            if (c === 0x5b)
              this.fail(line, 'the top-level value is an array, not GeoJSON (expected a FeatureCollection, Feature or Geometry object)');
            this.capture = 'top';
            capIdx = i;
            this.capAbs = this.offset + i;
            this.capParts = [];
            this.capLine = this.topLine = line;
            this.expectKey = true;
            this.inFeatures = false;
            this.lastKeyIsFeatures = false;
            this.seenValue = true;
          } else if (depth === 1 && this.lastKeyIsFeatures && !this.expectKey && this.capture === 'top') {
            if (c !== 0x5b) this.fail(line, '"features" is not an array');
            if (!this.headerDone) this.headerText = this.headerUpTo(buf, capIdx, this.keyAbs);
            this.headerDone = true;
            this.capture = 'none';
            capIdx = -1;
            this.capParts = [];
            this.inFeatures = true;
          } else if (depth === 2 && this.inFeatures) {
            if (c !== 0x7b) this.fail(line, `features[${this.count}] is an array, not a Feature object`);
            this.capture = 'feature';
            capIdx = i;
            this.capAbs = this.offset + i;
            this.capParts = [];
            this.capLine = line;
            this.count++;
          }
          depth++;
          break;
        case CLOSE:
          depth--;
          if (depth < 0) this.fail(line, `unexpected "${String.fromCharCode(c)}" outside any object`);
          if (depth === 2 && this.capture === 'feature') {
            this.out.push({ text: this.captured(buf, capIdx, i + 1), index: this.count, line: this.capLine, top: false });
            this.capture = 'none';
            capIdx = -1;
          } else if (depth === 1 && this.inFeatures && c === 0x5d) {
            this.inFeatures = false;
          } else if (depth === 0 && this.capture === 'top') {
            this.count++;
            this.out.push({ text: this.captured(buf, capIdx, i + 1), index: this.count, line: this.capLine, top: true });
            this.capture = 'none';
            capIdx = -1;
            this.headerDone = true;
          } else if (depth === 0) {
            this.headerDone = true;
          }
          break;
        case COMMA:
          if (depth === 1) this.expectKey = true;
          break;
        case COLON:
          if (depth === 1) this.expectKey = false;
          break;
        case NEWLINE:
          line++;
          break;
      }
      i++;
    }
    if (capIdx >= 0 && capIdx < n) this.capParts.push(Buffer.from(buf.subarray(capIdx, n)));
    this.depth = depth;
    this.line = line;
    this.inString = inString;
    this.offset += n;
  }

  /** Throws the right ImportError when the stream ends in the middle of a value. */
  end(): void {
    if (!this.seenValue) this.fail(undefined, 'file is empty');
    if (this.depth === 0 && !this.inString) return;
    if (this.capture === 'feature') {
      throw new ImportError({
        file: this.file,
        line: this.capLine,
        feature: String(this.count),
        reason: `file ends inside feature ${this.count} which starts at line ${this.capLine}: truncated?`,
      });
    }
    if (this.inFeatures) this.fail(this.line, `file ends inside the "features" array after feature ${this.count}: truncated?`);
    this.fail(this.line, `file ends inside the top-level object which starts at line ${this.topLine}: truncated?`);
  }

  /** Non-structural byte outside strings where only whitespace or structure may appear. */
  private plainByte(c: number, depth: number, i: number, line: number): void {
    if (depth === 0) {
      const abs = this.offset + i;
      if (abs < 3 && c === [0xef, 0xbb, 0xbf][abs]) return; // UTF-8 BOM
      this.fail(line, `not GeoJSON: unexpected ${describe(c)} outside any object`);
    }
    if (depth === 2 && this.inFeatures && this.capture !== 'feature') {
      this.fail(line, `features[${this.count}] is not a Feature object (unexpected ${describe(c)})`);
    }
  }

  private captured(buf: Buffer, from: number, to: number): string {
    if (this.capParts.length === 0) return this.decode(buf, from, to);
    const all = Buffer.concat([...this.capParts, buf.subarray(from, to)]);
    this.capParts = [];
    return this.decode(all);
  }

  /** The top-level members before "features", closed into a parseable object. */
  private headerUpTo(buf: Buffer, capIdx: number, keyAbs: number): string {
    const parts = [...this.capParts, buf.subarray(capIdx, Math.max(capIdx, keyAbs - this.offset))];
    const text = this.decode(Buffer.concat(parts).subarray(0, keyAbs - this.capAbs));
    return text.replace(/[\s,]*$/, '') + '}';
  }

  private fail(line: number | undefined, reason: string): never {
    throw new ImportError({ file: this.file, line, reason });
  }
}

function describe(c: number): string {
  return c >= 0x21 && c < 0x7f ? `"${String.fromCharCode(c)}"` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}
