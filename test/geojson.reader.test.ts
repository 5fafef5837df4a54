import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GeoJsonScanner, openGeoJson, type GeoJsonTuning } from '../src/importers/geojson.ts';
import { ImportError, type SourceFeature } from '../src/importers/types.ts';
import { wkbToGeometry } from '../src/util/wkb.ts';
import { drain } from './helpers/drain.ts';

const DIR = fileURLToPath(new URL('../fixtures/import/geojson', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'onemap-geojson-'));
function tmpFile(name: string, text: string | Buffer): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

const readAll = async (path: string, tuning?: GeoJsonTuning) => drain(await openGeoJson(path, {}, tuning));

/** Comparable form: geometry decoded back from WKB. */
const plain = (fs: SourceFeature[]) => fs.map((f) => ({ ...f, wkb: f.wkb && wkbToGeometry(f.wkb) }));

async function rejects(p: Promise<unknown>, expect: { line?: number; feature?: string; reason: RegExp }): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ImportError, `expected ImportError, got ${e}`);
    assert.match(e.reason, expect.reason);
    if (expect.line !== undefined) assert.equal(e.line, expect.line);
    if (expect.feature !== undefined) assert.equal(e.feature, expect.feature);
    assert.ok(e.message.includes(e.file));
    return true;
  });
}

test('FeatureCollection: crs, ids, line numbers, tricky strings, null geometry', async () => {
  const { reader, features } = await readAll(`${DIR}/parcels_4490.geojson`);
  assert.equal(reader.info.format, 'geojson');
  assert.equal(reader.info.srid, 4490);
  assert.match(reader.info.sridSource ?? '', /urn:ogc:def:crs:EPSG::4490/);
  assert.equal(reader.bytesRead(), reader.info.totalBytes);
  assert.deepEqual(
    features.map((f) => [f.fid, f.location]),
    [
      ['DK-001', 'feature 1 (line 6)'],
      ['2', 'feature 2 (line 9)'],
      ['3', 'feature 3 (line 12)'],
    ],
  );
  assert.deepEqual(features[0].props, {
    地块名称: '文三路{北}地块',
    用途: '城镇住宅用地',
    备注: '含"引号"、反斜杠\\和括号]}[{',
    面积公顷: 1.5,
  });
  assert.equal(features[1].props['地块名称'], '转塘地块'); // \u5730 escape
  assert.deepEqual(features[2].props, {});
  assert.equal(features[2].wkb, null);
  assert.deepEqual(wkbToGeometry(features[0].wkb!), {
    type: 'Polygon',
    coordinates: [
      [
        [120.1, 30.2],
        [120.11, 30.2],
        [120.11, 30.21],
        [120.1, 30.21],
        [120.1, 30.2],
      ],
      [
        [120.102, 30.202],
        [120.102, 30.204],
        [120.104, 30.204],
        [120.104, 30.202],
        [120.102, 30.202],
      ],
    ],
  });
  const mp = wkbToGeometry(features[1].wkb!);
  assert.equal(mp.type, 'MultiPolygon');
  assert.equal(mp.type === 'MultiPolygon' && mp.coordinates.length, 2);
});

test('every chunk size gives the same features (boundaries inside strings, escapes, UTF-8 characters)', async () => {
  for (const file of ['parcels_4490.geojson', 'parcels.geojsonl', 'parcels.geojsons', 'single_feature_4528.geojson']) {
    const expected = plain((await readAll(`${DIR}/${file}`)).features);
    for (const chunkSize of [1, 2, 3, 5, 7, 13, 64, 333]) {
      const { reader, features } = await readAll(`${DIR}/${file}`, { chunkSize });
      assert.deepEqual(plain(features), expected, `${file} with chunkSize ${chunkSize}`);
      assert.equal(reader.bytesRead(), reader.info.totalBytes);
    }
  }
});

test('scanner fed one byte at a time cuts features identical to the source text', () => {
  const features = [
    '{"type":"Feature","properties":{"s":"}\\"]{","中":"文"},"geometry":null}',
    '{"type":"Feature","properties":{"a":"\\\\"},"geometry":null}',
  ];
  const bytes = Buffer.from(`\uFEFF{"features":[\n${features.join(',\n')}\n],"crs":null}`);
  const s = new GeoJsonScanner('mem.geojson');
  for (let i = 0; i < bytes.length; i++) s.push(bytes.subarray(i, i + 1));
  s.end();
  assert.deepEqual(
    s.take().map((v) => [v.text, v.line, v.index]),
    [
      [features[0], 2, 1],
      [features[1], 3, 2],
    ],
  );
  assert.equal(s.headerText, '{}');
});

test('single Feature with a GK zone 40 crs, and a bare geometry', async () => {
  const one = await readAll(`${DIR}/single_feature_4528.geojson`);
  assert.equal(one.reader.info.srid, 4528);
  assert.deepEqual(
    one.features.map((f) => [f.fid, f.location, f.props]),
    [['ZJ-7', 'feature 1 (line 1)', { 地块名称: '滨江区A-3' }]],
  );
  const bare = await readAll(`${DIR}/bare_geometry.geojson`);
  assert.equal(bare.reader.info.srid, undefined);
  assert.deepEqual(plain(bare.features), [
    // No "id": the fid is the feature's position, and the reader says so (matching by it is by order).
    { fid: '1', wkb: { type: 'Point', coordinates: [120.15, 30.25] }, props: {}, location: 'feature 1 (line 1)', positional: true },
  ]);
});

test('newline-delimited GeoJSON and RS-separated GeoJSON text sequences', async () => {
  const nd = await readAll(`${DIR}/parcels.geojsonl`);
  assert.deepEqual(
    nd.features.map((f) => [f.fid, f.location, f.props['名称']]),
    [
      ['a', 'feature 1 (line 1)', '上城区'],
      ['2', 'feature 2 (line 2)', '拱墅区 {x}'],
      ['3', 'feature 3 (line 4)', '西湖区'],
    ],
  );
  assert.deepEqual(wkbToGeometry(nd.features[2].wkb!), { type: 'Point', coordinates: [120.13, 30.26, 12.5] });
  const rs = await readAll(`${DIR}/parcels.geojsons`);
  assert.deepEqual(
    rs.features.map((f) => [f.fid, f.props['名称']]),
    [
      ['1', '余杭区'],
      ['2', '临平区'],
    ],
  );
});

test('truncated file: error names the feature and the line it starts on, after the complete features', async () => {
  for (const chunkSize of [undefined, 1, 100]) {
    const reader = await openGeoJson(`${DIR}/truncated.geojson`, {}, { chunkSize });
    const seen: string[] = [];
    await rejects(
      (async () => {
        for await (const f of reader.features()) seen.push(f.fid);
      })(),
      {
        line: 9,
        feature: '2',
        reason: /^file ends inside feature 2 which starts at line 9: truncated\?$/,
      },
    );
    assert.deepEqual(seen, ['DK-001']);
    await reader.close();
  }
  await rejects(readAll(tmpFile('cut-after.geojson', '{"type":"FeatureCollection","features":[]')), {
    reason: /file ends inside the top-level object which starts at line 1/,
  });
});

test('empty, not JSON, no coordinates, unknown type, FeatureCollection without features', async () => {
  await rejects(openGeoJson(`${DIR}/empty.geojson`, {}), { reason: /^file is empty$/ });
  await rejects(openGeoJson(tmpFile('blank.geojson', '  \n\n '), {}), { reason: /^file is empty$/ });
  await rejects(openGeoJson(`${DIR}/not_json.geojson`, {}), { line: 1, reason: /not GeoJSON/ });
  await rejects(readAll(`${DIR}/no_coordinates.geojson`), { line: 3, feature: '2', reason: /Polygon geometry has no coordinates/ });
  await rejects(readAll(`${DIR}/unknown_type.geojson`), { line: 2, feature: '1', reason: /unknown geometry type "Polygone"/ });
  await rejects(readAll(`${DIR}/fc_without_features.geojson`), { reason: /FeatureCollection without a "features" array/ });
  await rejects(openGeoJson(join(tmp, 'missing.geojson'), {}), { reason: /cannot read the file/ });
});

test('invalid JSON inside a feature reports the line of the mistake; malformed coordinates are refused', async () => {
  const bad = tmpFile(
    'bad.geojson',
    '{"type":"FeatureCollection","features":[\n{"type":"Feature",\n"properties":{"a":1 "b":2},\n"geometry":null}\n]}',
  );
  await rejects(readAll(bad), { line: 3, feature: '1', reason: /not valid JSON/ });
  const nesting = tmpFile(
    'nesting.geojson',
    '{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[120.1,30.2],[120.2,30.2]]}}',
  );
  await rejects(readAll(nesting), { reason: /Polygon coordinates are malformed/ });
  const strings = tmpFile(
    'strings.geojson',
    '{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":["120.1","30.2"]}}',
  );
  await rejects(readAll(strings), { reason: /Point coordinates are malformed/ });
  await rejects(readAll(tmpFile('elem.geojson', '{"type":"FeatureCollection","features":[null]}')), {
    reason: /features\[0\] is not a Feature object/,
  });
  await rejects(readAll(tmpFile('arr.geojson', '[{"type":"Feature"}]')), { reason: /top-level value is an array/ });
  await rejects(readAll(tmpFile('topo.geojson', '{"type":"Topology","objects":{}}')), { reason: /unknown GeoJSON type "Topology"/ });
});

test('crs forms: EPSG URN, CRS84, unknown name refused; crs after "features" is ignored (documented)', async () => {
  const fc = (crs: string, before = true) =>
    before ? `{"type":"FeatureCollection","crs":${crs},"features":[]}` : `{"type":"FeatureCollection","features":[],"crs":${crs}}`;
  const srid = async (text: string) => (await readAll(tmpFile('crs.geojson', text))).reader.info.srid;
  assert.equal(await srid(fc('{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}}')), 4549);
  assert.equal(await srid(fc('{"type":"name","properties":{"name":"http://www.opengis.net/def/crs/EPSG/0/4528"}}')), 4528);
  assert.equal(await srid(fc('{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}')), 4326);
  assert.equal(await srid(fc('{"type":"name","properties":{"name":"EPSG:4490"}}', false)), undefined);
  await rejects(readAll(tmpFile('crs.geojson', fc('{"type":"name","properties":{"name":"Xian 1980 GK"}}'))), {
    reason: /names no EPSG code/,
  });
});

test('"features" as a string value or inside properties does not confuse the scanner', async () => {
  const text =
    '{"type":"FeatureCollection","name":"features","bbox":[1,2,3,4],"features":[{"type":"Feature","id":7,"properties":{"features":[{"a":1}]},"geometry":{"type":"Point","coordinates":[120,30]}}]}';
  const { features } = await readAll(tmpFile('names.geojson', text), { chunkSize: 4 });
  assert.deepEqual(
    features.map((f) => [f.fid, f.props]),
    [['7', { features: [{ a: 1 }] }]],
  );
});
