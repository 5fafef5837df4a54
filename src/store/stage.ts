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

  constructor(private readonly tx: Queryable) {}

  get count(): number {
    return this.seq;
  }

  async add(f: SourceFeature): Promise<void> {
    this.seq++;
    const geom = f.wkb ? f.wkb.toString('hex') : '\\N';
    const line = `${this.seq}\t${copyValue(f.fid)}\t${copyValue(f.location)}\t${geom}\t${copyValue(JSON.stringify(f.props))}\n`;
    this.parts.push(line);
    this.size += line.length;
    if (this.size >= BATCH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    await this.tx.copyText(STAGE, STAGE_COLUMNS, text);
  }
}
