// Limits on archives (issue 22 item 6): a zip bomb and a zip of very many entries are refused
// from the central directory, before anything is written to the temporary folder, with a reason
// that names the file and the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, crc32 } from 'node:zlib';
import { openShapefile } from '../src/importers/shapefile/reader.ts';
import { archiveProblem } from '../src/importers/archive.ts';
import { ImportError } from '../src/importers/types.ts';

/** A minimal zip (deflate) of the given members, written by hand so the test needs no zip library. */
function zip(members: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const comp = deflateRawSync(m.data, { level: 9 });
    const crc = crc32(m.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(comp.length, 18);
    local.writeUInt32LE(m.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(comp.length, 20);
    central.writeUInt32LE(m.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, comp);
    centrals.push(central, name);
    offset += local.length + name.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const tempEntries = () => readdirSync(tmpdir()).filter((n) => n.startsWith('onemap-shp-')).length;

test('a zip bomb is refused before unpacking: the reason names the member and its ratio', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onemap-arch-'));
  try {
    // 200 MB of zeros deflate to about 200 KB: a ratio near 1,000:1, as a bomb's members.
    const path = join(dir, 'bomb.zip');
    writeFileSync(
      path,
      zip([
        { name: 'dltb.dbf', data: Buffer.alloc(200 * 1024 * 1024) },
        { name: 'dltb.shp', data: Buffer.alloc(100) },
      ]),
    );
    const before = tempEntries();
    await assert.rejects(
      openShapefile(path, {}),
      (e: Error) => e instanceof ImportError && /bomb\.zip/.test(e.message) && /dltb\.dbf/.test(e.message) && /压缩比/.test(e.message),
    );
    assert.equal(tempEntries(), before, 'nothing unpacked to the temporary folder');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a zip with more entries than the limit is refused with the count', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onemap-arch-'));
  try {
    const path = join(dir, 'many.zip');
    writeFileSync(path, zip(Array.from({ length: 30 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') }))));
    const problem = await archiveProblem(path, { entries: 20, bytes: 1e9, ratio: 500, ratioFrom: 1e6 });
    assert.match(problem ?? '', /30 个文件，超过上限 20 个/);
    // Within the limits an ordinary archive passes.
    assert.equal(await archiveProblem(path, { entries: 100, bytes: 1e9, ratio: 500, ratioFrom: 1e6 }), null);
    // The total unpacked size counts every member.
    assert.match((await archiveProblem(path, { entries: 100, bytes: 10, ratio: 500, ratioFrom: 1e6 })) ?? '', /解压后超过/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
