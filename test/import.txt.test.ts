// The coordinate TXT's checks that need the database (issue 18 item 5), on every test database:
// a declared 地块面积 far from the area of the points, and parcels of one file that overlap, are
// imported but warned about, naming the parcel and its line.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from './helpers/db.ts';
import { importFile } from '../src/importers/pipeline.ts';

const HEADER = '[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n带号=40\n[地块坐标]\n';
const N = 3345678;
const E = 40512345;
/** A parcel: header line (declared area in 公顷) and the closed ring of a w × h m rectangle at (dx, dy). */
function parcel(id: string, ha: string, dx: number, w: number, h = w): string[] {
  const c: [number, number][] = [
    [N, E + dx],
    [N + h, E + dx],
    [N + h, E + dx + w],
    [N, E + dx + w],
    [N, E + dx],
  ];
  return [`5,${ha},${id},${id}地块,面,,,,@`, ...c.map(([x, y], i) => `J${(i % 4) + 1},1,${x.toFixed(3)},${y.toFixed(3)}`)];
}

for (const tdb of testDatabases()) {
  describe(`coordinate TXT warnings on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let tmp: string;
    before(async () => {
      h = await tdb.open();
      tmp = mkdtempSync(join(tmpdir(), 'onemap-txt-'));
    });
    after(async () => {
      await h.close();
      rmSync(tmp, { recursive: true, force: true });
    });
    const write = (name: string, lines: string[]) => {
      const p = join(tmp, name);
      writeFileSync(p, HEADER + lines.join('\n') + '\n');
      return p;
    };

    test('a declared area more than 1 % from the computed one is warned about, with the parcel and its line', async () => {
      // 100 m × 100 m = 10 000 m² = 1.0000 公顷 (planar, in the file's own zone). DK-2 declares
      // 1.0200 公顷: 2 % over; DK-3 declares 1.0050 公顷: 0.5 %, inside the default 1 %.
      const path = write('areas.txt', [
        ...parcel('DK-1', '1.0000', 0, 100),
        ...parcel('DK-2', '1.0200', 300, 100),
        ...parcel('DK-3', '1.0050', 600, 100),
      ]);
      const r = await importFile(h.db, h.config, path, { layer: 'BPDK_AREA', dryRun: true });
      const warned = r.warnings.filter((w) => w.includes('申报面积'));
      assert.equal(warned.length, 1, warned.join(' | '));
      // DK-2's header is line 14: 7 header lines, then DK-1 on lines 8–13.
      assert.match(warned[0], /^第 14 行地块 DK-2 申报面积 10200\.00 m² 与按界址点计算的 10000\.00 m² 相差 -1\.96 %，超过 1 %/);
      // The tolerance is the bureau's: at 5 % nothing is warned about.
      const lax = await importFile(h.db, { ...h.config, declaredAreaTolerancePercent: 5 }, path, { layer: 'BPDK_AREA', dryRun: true });
      assert.deepEqual(
        lax.warnings.filter((w) => w.includes('申报面积')),
        [],
      );
    });

    test('parcels of one file that overlap are warned about with the overlap area; parcels sharing an edge are not', async () => {
      // DK-B starts 50 m into DK-A: they share a 50 m × 100 m strip = 5 000 m². DK-C touches DK-B's east edge.
      const path = write('overlap.txt', [
        ...parcel('DK-A', '1.0000', 0, 100),
        ...parcel('DK-B', '1.0000', 50, 100),
        ...parcel('DK-C', '1.0000', 150, 100),
      ]);
      const r = await importFile(h.db, h.config, path, { layer: 'BPDK_OVERLAP', dryRun: true });
      assert.deepEqual(
        r.warnings.filter((w) => w.includes('压盖')),
        [
          '第 8 行的地块 DK-A 与第 14 行的地块 DK-B 相互压盖 5000.00 m²，同一报批文件内的地块不应重叠 (parcels DK-A and DK-B overlap by 5000.00 m²)',
        ],
      );
    });
  });
}
