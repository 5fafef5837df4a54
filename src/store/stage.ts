// Streams decoded features into the staging table in COPY batches, so memory stays flat
// however large the file is (one batch of ~8 MB of text at a time).
import type { Queryable } from '../db/index.ts';
import { copyValue } from '../db/index.ts';
import type { SourceFeature } from '../importers/types.ts';
import { STAGE, STAGE_COLUMNS } from './store.repository.ts';

const BATCH_BYTES = 8 * 1024 * 1024;

export class StageWriter {
  private parts: string[] = [];
  private size = 0;
  private seq = 0;
  /** The COPY in flight: reading the next batch overlaps with the database loading this one. */
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly tx: Queryable) {}

  get count(): number {
    return this.seq;
  }

  async add(f: SourceFeature): Promise<void> {
    this.seq++;
    const geom = f.wkb ? f.wkb.toString('hex') : '\\N';
    // PostgreSQL's jsonb refuses the NUL character; dBASE padding sometimes leaves one behind.
    const props = JSON.stringify(f.props);
    const points = f.points ? copyValue(JSON.stringify(f.points)) : '\\N';
    const line = `${this.seq}\t${copyValue(f.fid)}\t${copyValue(f.location)}\t${geom}\t${copyValue(props.includes('\\u0000') ? props.replace(/\\u0000/g, '') : props)}\t${points}\n`;
    this.parts.push(line);
    this.size += line.length;
    if (this.size >= BATCH_BYTES) await this.send();
  }

  private async send(): Promise<void> {
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    await this.pending;
    this.pending = this.tx.copyText(STAGE, STAGE_COLUMNS, text);
    // Surface a failure at the next await rather than as an unhandled rejection.
    this.pending.catch(() => {});
  }

  /** Sends what is buffered and waits until the database has all of it. */
  async flush(): Promise<void> {
    if (this.parts.length > 0) await this.send();
    await this.pending;
  }
}
