import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { openCoordinateTxt, parseCoordinateTxt, type CoordTxtReader } from '../src/importers/coordtxt.ts';
import { writeCoordinateTxt } from '../src/exporters/coordtxt.ts';
import { ImportError, type SourceFeature } from '../src/importers/types.ts';
import { geometryToWkb, wkbToGeometry, type Geometry, type Position } from '../src/util/wkb.ts';

const DIR = fileURLToPath(new URL('../fixtures/import/coordtxt', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'onemap-coordtxt-'));

async function readAll(path: string, encoding?: string): Promise<{ reader: CoordTxtReader; features: SourceFeature[] }> {
  const reader = await openCoordinateTxt(path, { encoding });
  const features: SourceFeature[] = [];
  for await (const f of reader.features()) features.push(f);
  await reader.close();
  return { reader, features };
}

/** Planar area by the shoelace formula: outer rings minus holes (independent of the reader). */
function area(g: Geometry): number {
  const ring = (r: Position[]) => Math.abs(r.reduce((s, p, i) => (i ? s + (r[i - 1][0] * p[1] - p[0] * r[i - 1][1]) : s), 0)) / 2;
  const poly = (rings: Position[][]) => ring(rings[0]) - rings.slice(1).reduce((s, r) => s + ring(r), 0);
  if (g.type === 'Polygon') return poly(g.coordinates);
  if (g.type === 'MultiPolygon') return g.coordinates.reduce((s, p) => s + poly(p), 0);
  throw new Error(g.type);
}

const HEADER = '[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n带号=40\n[地块坐标]\n';
const SQUARE = [
  'J1,1,3345678.000,40512345.000',
  'J2,1,3345778.000,40512345.000',
  'J3,1,3345778.000,40512445.000',
  'J4,1,3345678.000,40512445.000',
  'J1,1,3345678.000,40512345.000',
];
const parse = (text: string) => parseCoordinateTxt('mem.txt', text, 'UTF-8');

function throwsAt(fn: () => unknown, line: number | undefined, reason: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ImportError, `expected ImportError, got ${e}`);
    assert.equal(e.line, line);
    assert.match(e.reason, reason);
    return true;
  });
}

test('GBK file with two parcels: SRID, declared areas, hole, x = easting', async () => {
  const { reader, features } = await readAll(`${DIR}/two_parcels_gbk.txt`);
  const info = reader.info;
  assert.equal(info.encoding, 'GBK');
  assert.equal(info.srid, 4528);
  assert.equal(info.sridSource, 'TXT 几度分带=3 带号=40');
  assert.deepEqual(info.warnings, []);
  assert.equal(info.header['数据产生单位'], '杭州市规划和自然资源局');
  assert.deepEqual(info.declared, [
    { fid: 'DK-01', name: '文三路安置房地块', declaredAreaM2: 9600, line: 13 },
    { fid: 'DK-02', name: '滨江区中学用地', declaredAreaM2: 2000, line: 24 },
  ]);
  assert.deepEqual(
    features.map((f) => [f.fid, f.location]),
    [
      ['DK-01', 'line 13'],
      ['DK-02', 'line 24'],
    ],
  );
  assert.deepEqual(features[0].props, {
    地块编号: 'DK-01',
    地块名称: '文三路安置房地块',
    图形属性: '面',
    图幅号: 'H51G001001',
    地块用途: '城镇住宅用地',
    地类编码: '0701',
    界址点数: 10,
    地块面积公顷: 0.96,
  });
  const g = wkbToGeometry(features[0].wkb!);
  assert.deepEqual(g, {
    type: 'Polygon',
    coordinates: [
      [
        [40512345, 3345678],
        [40512345, 3345778],
        [40512445, 3345778],
        [40512445, 3345678],
        [40512345, 3345678],
      ],
      [
        [40512385, 3345718],
        [40512405, 3345718],
        [40512405, 3345738],
        [40512385, 3345738],
        [40512385, 3345718],
      ],
    ],
  });
  assert.equal(area(g), 10000 - 400); // hand-derived: 100 m × 100 m minus a 20 m × 20 m hole
  assert.equal(area(g), info.declared![0].declaredAreaM2);
  assert.equal(area(wkbToGeometry(features[1].wkb!)), 50 * 40);
});

test('UTF-8 with BOM: empty 地块编号 → index, two separate outer rings → MultiPolygon, unclosed ring closed with a warning', async () => {
  const { reader, features } = await readAll(`${DIR}/multipart_utf8_bom.txt`);
  assert.equal(reader.info.encoding, 'UTF-8');
  assert.equal(reader.info.geometryType, 'MULTIPOLYGON');
  assert.equal(features[0].fid, '1');
  assert.equal(features[0].props['地块名称'], '余杭区两片用地');
  const g = wkbToGeometry(features[0].wkb!);
  assert.equal(g.type, 'MultiPolygon');
  assert.equal(area(g), 30 * 30 + 20 * 20);
  assert.equal(reader.info.declared![0].declaredAreaM2, 1300);
  assert.deepEqual(reader.info.warnings, [
    '第 17 行起地块 1 的圈号 2 未以首点 J5 结束（环未闭合），已按首点闭合 (line 17: ring 圈号=2 of parcel 1 does not repeat its first point at the end; closed it)',
  ]);
});

test('refusals name the file and the line', async () => {
  const cases: [string, number | undefined, RegExp][] = [
    ['malformed_point.txt', 16, /^point line must have 4 fields 点号,圈号,X,Y but has 3: "J3,1,3345778.000"$/],
    [
      'swapped_axes.txt',
      14,
      /^X=40512345\.678 looks like an easting and Y=3345678\.123 like a northing: X must be the northing \(北坐标\) and Y the easting with zone prefix; the columns seem swapped$/,
    ],
    ['wrong_zone_prefix.txt', 14, /^Y=39512345 has zone prefix 39 but the header says 带号=40$/],
    ['empty.txt', undefined, /^file is empty$/],
  ];
  for (const [name, line, reason] of cases) {
    await assert.rejects(openCoordinateTxt(`${DIR}/${name}`, {}), (e: unknown) => {
      assert.ok(e instanceof ImportError);
      assert.equal(e.file, `${DIR}/${name}`);
      assert.equal(e.line, line);
      assert.match(e.reason, reason);
      assert.ok(e.message.startsWith(`${DIR}/${name}`));
      return true;
    });
  }
});

test('eastings without zone prefix are accepted as EPSG:4549 with a note', async () => {
  const { reader, features } = await readAll(`${DIR}/no_zone_prefix.txt`);
  assert.equal(reader.info.srid, 4549);
  assert.match(reader.info.sridSource!, /^TXT 几度分带=3 带号=40; eastings written without the zone prefix$/);
  assert.equal(reader.info.warnings.length, 1);
  assert.equal(area(wkbToGeometry(features[0].wkb!)), 10000);
});

test('header and structure errors', () => {
  throwsAt(() => parse('[属性描述]\n带号=40\n'), undefined, /no \[地块坐标\] section/);
  throwsAt(() => parse(HEADER), undefined, /has no parcels/);
  throwsAt(
    () => parse(HEADER.replace('几度分带=3', '几度分带=5') + '5,1,A,a,面,,,,@\n' + SQUARE.join('\n')),
    undefined,
    /unknown 几度分带=5/,
  );
  throwsAt(
    () => parse(HEADER.replace('2000国家大地坐标系', 'WGS84坐标系') + '5,1,A,a,面,,,,@\n' + SQUARE.join('\n')),
    undefined,
    /is not CGCS2000, Xian 1980 or Beijing 1954/,
  );
  // Old datums are read as their EPSG codes, with 转换参数= kept for the import (decision 0012).
  const xa = parse(HEADER.replace('2000国家大地坐标系', '1980西安坐标系') + '5,1,A,a,面,,,,@\n' + SQUARE.join('\n'));
  assert.equal(xa.info.srid, 2364);
  const bj = parse(
    HEADER.replace('2000国家大地坐标系', '54北京坐标系').replace('[地块坐标]', '转换参数=1,2,3,0,0,0,0\n[地块坐标]') +
      '5,1,A,a,面,,,,@\n' +
      SQUARE.join('\n'),
  );
  assert.equal(bj.info.srid, 2416, 'Beijing 1954 3° GK zone 40 with prefix');
  assert.equal(bj.info.datumParams, '1,2,3,0,0,0,0');
  throwsAt(() => parse(HEADER + SQUARE[0]), 8, /before the first parcel header/);
  throwsAt(() => parse(HEADER + '5,1,A,a,面,,,,@\nJ1,1,3345678.000,4051234x.000'), 9, /Y "4051234x\.000" is not a number/);
  throwsAt(
    () => parse(HEADER + '3,1,A,a,面,,,,@\nJ1,1,3345678,40512345\nJ2,1,3345778,40512345\nJ1,1,3345678,40512345'),
    9,
    /ring 圈号=1 of parcel A has 3 points.*at least 4/,
  );
  throwsAt(() => parse(HEADER + '5,1,A,a,面,,,,@\nJ1,1,3345678.000,40912345.000'), 9, /412 km from the central meridian of zone 40/);
  throwsAt(() => parse(HEADER + '5,1,A,a,线,,,,@\n' + SQUARE.join('\n')), 8, /图形属性=线/);
  throwsAt(() => parse(HEADER + '5,1,A,a,面,,,,@\n' + SQUARE.join('\n') + '\n5,1,B,b,面,,,'), 14, /must end with ",@"/);
});

test('point count mismatch is a warning; 几度分带 and 带号 can be inferred; hole vs. separate part by containment', () => {
  const r = parse(HEADER + '7,1,A,a,面,,,,@\n' + SQUARE.join('\n'));
  assert.deepEqual(r.info.warnings, ['line 8: parcel A declares 界址点数=7 but 5 point lines follow']);

  const lenient = parse(HEADER.replace('几度分带=3', '几度分带=3度') + '5,1,A,a,面,,,,@\n' + SQUARE.map((l) => `${l},`).join('\n'));
  assert.equal(lenient.info.srid, 4528);

  const bare = parse('[地块坐标]\n5,1,A,a,面,,,,@\n' + SQUARE.join('\n'));
  assert.equal(bare.info.srid, 4528);
  assert.match(bare.info.sridSource!, /几度分带 not stated.*带号 not stated/);

  // Ring 2 touches ring 1 at its first vertex but lies inside: still a hole.
  const touching = [
    'J5,2,3345678.000,40512345.000',
    'J6,2,3345700.000,40512345.000',
    'J7,2,3345700.000,40512367.000',
    'J5,2,3345678.000,40512345.000',
  ];
  const g = wkbToGeometry(parse(HEADER + '9,1,A,a,面,,,,@\n' + [...SQUARE, ...touching].join('\n')).features[0].wkb!);
  assert.equal(g.type, 'Polygon');
  assert.equal(g.type === 'Polygon' && g.coordinates.length, 2);
});

test('encoding override: a GBK file read as GB18030 gives the same text', async () => {
  const { features } = await readAll(`${DIR}/two_parcels_gbk.txt`, 'gb18030');
  assert.equal(features[1].props['地块名称'], '滨江区中学用地');
});

test('writer: exact format, GBK default, round trip through the reader', async () => {
  const square = {
    type: 'Polygon',
    coordinates: [
      [
        [40512345, 3345678],
        [40512345, 3345778],
        [40512445, 3345778],
        [40512445, 3345678],
        [40512345, 3345678],
      ],
      [
        [40512385, 3345718],
        [40512405, 3345718],
        [40512405, 3345738],
        [40512385, 3345738],
        [40512385, 3345718],
      ],
    ],
  } as Geometry;
  const multi = {
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [40512600.1234, 3346000.5],
          [40512630, 3346000.5],
          [40512630, 3346030],
          [40512600.1234, 3346000.5],
        ],
      ],
      [
        [
          [40512700, 3346100],
          [40512720, 3346100],
          [40512720, 3346120],
          [40512700, 3346120],
        ],
      ], // not closed in the input
    ],
  } as Geometry;
  const buf = writeCoordinateTxt(
    [
      { fid: 'DK-01', name: '文三路安置房地块', use: '城镇住宅用地', landCode: '0701', wkbPlanar: geometryToWkb(square), areaHa: 0.96 },
      { fid: 'DK-02', name: '两片,用地', wkbPlanar: geometryToWkb(multi), areaHa: 0.085 },
    ],
    { zone: 40 },
  );
  const text = iconv.decode(buf, 'gbk');
  const lines = text.split('\r\n');
  assert.deepEqual(lines.slice(0, 10), [
    '[属性描述]',
    '格式版本号=1.01',
    '坐标系=2000国家大地坐标系',
    '几度分带=3',
    '投影类型=高斯克吕格',
    '计量单位=米',
    '带号=40',
    '精度=0.001',
    '转换参数=,,,,,,',
    '[地块坐标]',
  ]);
  assert.equal(lines[10], '10,0.9600,DK-01,文三路安置房地块,面,,城镇住宅用地,0701,@');
  assert.equal(lines[11], 'J1,1,3345678.000,40512345.000');
  assert.equal(lines[15], 'J1,1,3345678.000,40512345.000');
  assert.equal(lines[16], 'J5,2,3345718.000,40512385.000');
  assert.equal(lines[21], '9,0.0850,DK-02,两片，用地,面,,,,@');
  assert.equal(lines[22], 'J1,1,3346000.500,40512600.123');
  assert.equal(lines[25], 'J1,1,3346000.500,40512600.123');
  assert.equal(lines[30], 'J4,2,3346100.000,40512700.000');

  const file = join(tmp, 'out.txt');
  writeFileSync(file, buf);
  const { reader, features } = await readAll(file);
  assert.equal(reader.info.encoding, 'GBK');
  assert.equal(reader.info.srid, 4528);
  assert.deepEqual(reader.info.warnings, []);
  assert.deepEqual(wkbToGeometry(features[0].wkb!), square);
  const back = wkbToGeometry(features[1].wkb!);
  assert.deepEqual(back, {
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [40512600.123, 3346000.5],
          [40512630, 3346000.5],
          [40512630, 3346030],
          [40512600.123, 3346000.5],
        ],
      ],
      [
        [
          [40512700, 3346100],
          [40512720, 3346100],
          [40512720, 3346120],
          [40512700, 3346120],
          [40512700, 3346100],
        ],
      ],
    ],
  });
  assert.deepEqual(
    reader.info.declared!.map((d) => d.declaredAreaM2),
    [9600, 850],
  );
});

test('writer reproduces the [地块坐标] section of the hand-written fixture; UTF-8 option; refuses unprefixed eastings', async () => {
  const { features, reader } = await readAll(`${DIR}/two_parcels_gbk.txt`);
  const out = writeCoordinateTxt(
    features.map((f, i) => ({
      fid: f.fid,
      name: String(f.props['地块名称']),
      use: String(f.props['地块用途']),
      landCode: String(f.props['地类编码']),
      wkbPlanar: f.wkb!,
      areaHa: reader.info.declared![i].declaredAreaM2! / 1e4,
    })),
    { zone: 40, encoding: 'UTF-8' },
  );
  const section = (t: string) => t.slice(t.indexOf('[地块坐标]')).replace(/,H51G001001,/g, ',,');
  assert.equal(section(out.toString('utf8')), section(iconv.decode(readFileSync(`${DIR}/two_parcels_gbk.txt`), 'gbk')));

  const plainWkb = geometryToWkb({
    type: 'Polygon',
    coordinates: [
      [
        [512345, 3345678],
        [512445, 3345678],
        [512445, 3345778],
        [512345, 3345678],
      ],
    ],
  });
  assert.throws(
    () => writeCoordinateTxt([{ fid: 'X', name: 'x', wkbPlanar: plainWkb, areaHa: 0 }], { zone: 40 }),
    /zone prefix 40.*EPSG:4528/,
  );
  assert.throws(() => writeCoordinateTxt([], { zone: 12 }), /outside/);
});

// ---- the TXT as bureaus write it (issue 18 item 5) ---------------------------------------------

const PARCEL = '4,1.0000,DK-01,试验地块,面,,,,@';

test('Windows Notepad "Unicode" (UTF-16 with BOM, both byte orders) reads like the UTF-8 file', async () => {
  const text = HEADER + [PARCEL, ...SQUARE].join('\r\n') + '\r\n';
  for (const [enc, bom] of [
    ['utf-16le', Buffer.from([0xff, 0xfe])],
    ['utf-16be', Buffer.from([0xfe, 0xff])],
  ] as const) {
    const path = join(tmp, `unicode-${enc}.txt`);
    writeFileSync(path, Buffer.concat([bom, iconv.encode(text, enc)]));
    const { reader, features } = await readAll(path);
    assert.equal(reader.info.encoding, enc.toUpperCase());
    assert.equal(reader.info.srid, 4528);
    assert.equal(features.length, 1);
    assert.equal(features[0].props['地块名称'], '试验地块');
    assert.equal(area(wkbToGeometry(features[0].wkb!)), 100 * 100); // 100 m × 100 m, by hand
  }
});

test('full-width commas, tabs and 序号-first 5-field point lines are read, with a warning', () => {
  const fullWidth = SQUARE.map((l) => l.replaceAll(',', '，'));
  const tabs = SQUARE.map((l) => l.replaceAll(',', '\t'));
  // 序号,点号,圈号,X,Y and full-width digits in one line, as a spreadsheet export may write them
  const numbered = SQUARE.map((l, i) => `${i + 1},${l}`);
  numbered[1] = numbered[1].replace('3345778', '３３４５７７８');
  for (const [label, lines, warned] of [
    ['full-width', fullWidth, true],
    ['tabs', tabs, true],
    ['numbered', numbered, false],
  ] as const) {
    const { info, features } = parse(HEADER + [PARCEL.replaceAll(',', label === 'full-width' ? '，' : ','), ...lines].join('\n'));
    assert.equal(features.length, 1, label);
    assert.equal(area(wkbToGeometry(features[0].wkb!)), 10000, label);
    assert.equal(features[0].props['地块名称'], '试验地块', label);
    assert.equal(
      info.warnings.some((w) => w.includes('全角逗号或制表符')),
      warned,
      `${label}: ${info.warnings.join(' | ')}`,
    );
  }
});

test('--srid is the last resort: only when the file has neither 带号 nor a zone prefix', () => {
  const noZone = '[属性描述]\n坐标系=2000国家大地坐标系\n[地块坐标]\n';
  const unprefixed = SQUARE.map((l) => l.replace(',40512', ',512'));
  const body = [PARCEL, ...unprefixed].join('\n');
  throwsAt(() => parse(noZone + body), undefined, /无法确定投影带.*--srid/);
  const forced = parseCoordinateTxt('mem.txt', noZone + body, 'UTF-8', 4549);
  assert.equal(forced.info.srid, 4549); // 3° zone 40 without prefix (domain.md §2)
  assert.match(forced.info.sridSource!, /zone from --srid 4549/);
  assert.equal(area(wkbToGeometry(forced.features[0].wkb!)), 10000);
  // a prefixed code cannot describe unprefixed eastings
  throwsAt(() => parseCoordinateTxt('mem.txt', noZone + body, 'UTF-8', 4528), undefined, /不是不带带号前缀/);
  // the file's own zone decides; a contradicting --srid is refused rather than moving every parcel
  throwsAt(
    () => parseCoordinateTxt('mem.txt', HEADER + [PARCEL, ...SQUARE].join('\n'), 'UTF-8', 4549),
    undefined,
    /EPSG:4528.*--srid 4549 不一致/,
  );
  assert.equal(parseCoordinateTxt('mem.txt', HEADER + [PARCEL, ...SQUARE].join('\n'), 'UTF-8', 4528).info.srid, 4528);
});

test('the same boundary twice under two numbers is imported but warned about', () => {
  const second = '4,1.0000,DK-02,重复地块,面,,,,@';
  const rotated = [...SQUARE.slice(1, 4), SQUARE[0], SQUARE[1]]; // same corners, starting at J2
  const { info, features } = parse(HEADER + [PARCEL, ...SQUARE, second, ...rotated].join('\n'));
  assert.equal(features.length, 2);
  assert.deepEqual(
    info.warnings.filter((w) => w.includes('界址点坐标完全相同')),
    [
      '第 14 行的地块 DK-02 与第 8 行的地块 DK-01 界址点坐标完全相同，疑为重复列出，导入后面积将重复计算 (line 14: parcel DK-02 repeats the boundary of parcel DK-01)',
    ],
  );
});
