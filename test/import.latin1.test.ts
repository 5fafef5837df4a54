// Issue 18 item 6: Latin-1 text in a .dbf without .cpg is valid GBK by accident ("Müller" → "M黮ler"),
// so it imports without a replacement character. A warning names file, record and field and advises
// --encoding; real GBK Chinese text, mixed with ASCII or not, gets none.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { openShapefile } from '../src/importers/shapefile/reader.ts';
import { openGeoJson } from '../src/importers/geojson.ts';
import { looksLikeLatin1 } from '../src/importers/latin1.ts';
import { writeShapefile, CGCS2000_PRJ, type ShpEncoding } from '../src/exporters/shapefile.ts';
import { geometryToWkb } from '../src/util/wkb.ts';
import { importFile } from '../src/importers/pipeline.ts';
import { testDatabases } from './helpers/db.ts';
import { drain } from './helpers/drain.ts';

const tmp = mkdtempSync(join(tmpdir(), 'onemap-latin1-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

const LATIN1 = ['Müller', 'Zürich Hauptbahnhof', 'Rue de la Paix', 'cafés du Léman'];
const CHINESE = ['西湖区', 'A区3号地块', '杭州市Hangzhou', '城镇开发边界CZKFBJ', '喆园路', '水田'];

/** A point shapefile whose NAME column holds `names` in `encoding`, without .cpg and with language driver 0. */
async function pointShapefile(names: string[], encoding: string): Promise<string> {
  const dir = join(tmp, `${n++}`);
  const base = join(dir, 'poi');
  mkdirSync(dir);
  // The writer encodes text with iconv-lite under the name it is given; its .cpg is removed after,
  // so nothing but the bytes says what the text is, and it writes language driver 0 for non-GBK.
  const w = writeShapefile(`${base}.shp`, {
    geometryType: 'Point',
    fields: [{ name: 'NAME', type: 'C', length: 60 }],
    encoding: encoding as ShpEncoding,
    prjWkt: CGCS2000_PRJ,
  });
  names.forEach((name, i) => w.write(geometryToWkb({ type: 'Point', coordinates: [120.1 + i * 0.01, 30.2] }), { NAME: name }));
  await w.close();
  unlinkSync(`${base}.cpg`);
  return dir;
}

test('looksLikeLatin1: European words read as GBK match, Chinese text (with or without ASCII) does not', () => {
  const asGbk = (s: string) => iconv.decode(iconv.encode(s, 'latin1'), 'gbk');
  // "Müller" is 4D FC 6C 6C 65 72: FC 6C is the GBK character 黮. "café" ends on a lone E9 (U+FFFD).
  assert.equal(asGbk('Müller'), 'M黮ler');
  for (const s of [...LATIN1.filter((x) => /[^\p{ASCII}]/u.test(x)), 'café', 'São Paulo', 'Hôtel de Ville'])
    assert.ok(looksLikeLatin1(asGbk(s)), `${s} → ${asGbk(s)}`);
  for (const s of [...CHINESE, 'Rue de la Paix', '']) assert.ok(!looksLikeLatin1(s), s);
});

test('a Latin-1 .dbf without .cpg: read as GBK with a warning naming file, record and field; --encoding latin1 reads it right', async () => {
  const dir = await pointShapefile(LATIN1, 'latin1');
  const guessed = await drain(await openShapefile(dir, {}));
  assert.equal(guessed.reader.info.encoding, 'GBK');
  assert.equal(guessed.features[0].props.NAME, 'M黮ler');
  const w = guessed.reader.info.warnings!.filter((x) => x.includes('Latin-1'));
  // Records 1, 2 and 4 have accented letters; "Rue de la Paix" is ASCII and says nothing.
  assert.equal(w.length, 3, w.join(' | '));
  assert.match(
    w[0],
    /poi\.dbf 第 1 条记录的字段 NAME 按 GBK 读出为 NAME=“M黮ler”，像是西文（ISO-8859-1\/Latin-1）文字被当作 GBK 读取.*--encoding latin1/,
  );
  assert.match(w[1], /第 2 条记录的字段 NAME/);
  assert.match(w[2], /第 4 条记录的字段 NAME/);

  const told = await drain(await openShapefile(dir, { encoding: 'latin1' }));
  assert.deepEqual(
    told.features.map((f) => f.props.NAME),
    LATIN1,
  );
  assert.deepEqual(told.reader.info.warnings, []);
});

test('a GBK .dbf without .cpg, Chinese mixed with ASCII: no Latin-1 warning', async () => {
  const dir = await pointShapefile(CHINESE, 'GBK');
  const r = await drain(await openShapefile(dir, {}));
  assert.equal(r.reader.info.encoding, 'GBK');
  assert.deepEqual(
    r.features.map((f) => f.props.NAME),
    CHINESE,
  );
  assert.deepEqual(r.reader.info.warnings, []);
});

test('GeoJSON in Latin-1 detected as GBK warns the same way; GBK GeoJSON does not', async () => {
  const write = (names: string[], enc: string) => {
    const p = join(tmp, `${n++}.geojson`);
    const features = names.map((name, i) => ({
      type: 'Feature',
      id: i + 1,
      properties: { NAME: name },
      geometry: { type: 'Point', coordinates: [120.1 + i * 0.01, 30.2] },
    }));
    writeFileSync(p, iconv.encode(JSON.stringify({ type: 'FeatureCollection', features }), enc));
    return p;
  };
  const latin = await drain(await openGeoJson(write(['Zürich', 'Bern'], 'latin1'), {}));
  assert.equal(latin.reader.info.encoding, 'GBK');
  assert.equal(latin.reader.info.warnings!.length, 1);
  assert.match(latin.reader.info.warnings![0], /第 1 个要素（第 \d+ 行）的字段 NAME 按 GBK 读出为 NAME=“Z黵ich”.*--encoding latin1/);
  const gbk = await drain(await openGeoJson(write(CHINESE, 'GBK'), {}));
  assert.deepEqual(gbk.reader.info.warnings, []);
});

for (const tdb of testDatabases()) {
  describe(`Latin-1 read as GBK on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    before(async () => {
      h = await tdb.open();
    });
    after(async () => {
      await h.close();
    });

    test('the import result carries the warning for Latin-1 and none for GBK Chinese', async () => {
      const latin = await importFile(h.db, h.config, await pointShapefile(LATIN1, 'latin1'), { layer: 'POI_LATIN1' });
      assert.equal(latin.encoding, 'GBK');
      assert.equal(latin.warnings.filter((w) => w.includes('--encoding latin1')).length, 3);
      const chinese = await importFile(h.db, h.config, await pointShapefile(CHINESE, 'GBK'), { layer: 'POI_GBK' });
      assert.deepEqual(chinese.warnings, []);
    });
  });
}
