// Setback bands counted once (issue 18 item 1): the band is cut by every feature of the layer
// (and by the layers the rule names as already counted), and two features' bands overlapping on
// land are one band. Geometry in EPSG:4549 metres within 265 m of the 120°E central meridian at
// ~30.3°N: the Gauss-Krüger scale there is 1 + x²/2R² ≤ 1 + 1e-9, so planar and ellipsoidal
// areas of these axis-parallel bands agree to ~1e-9 relative. The tolerance, 1e-6 relative
// (≤ 0.004 m² here), covers that and the 4490 round trip of the stored vertices (~1e-9 m),
// and is far below the double counting it must catch (hundreds to thousands of m²). Every band
// edge inside the project is straight (the project's y range [3350400, 3350500] is 400 m from the
// ends of the waters), so the buffer's rounded corners do not enter the figures.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from './helpers/db.ts';
import { importFile } from '../src/importers/pipeline.ts';
import { parcelsFromFile } from '../src/review/input.ts';
import { runReview } from '../src/review/engine.ts';
import { DEFAULT_RULESET, saveRuleSet } from '../src/review/ruleset.ts';
import type { Finding } from '../src/review/types.ts';

const Y0 = 3350000;
/** An axis-parallel rectangle [x0, x1] × [y0, y1] in EPSG:4549. */
const rect = (id: string, x0: number, x1: number, y0 = Y0, y1 = Y0 + 1000) => ({
  type: 'Feature',
  id,
  properties: { STMC: id },
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  },
});
const collection = (features: unknown[]) =>
  JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'EPSG:4549' } }, features });
/** The project: x ∈ [x0, x1], y ∈ [Y0 + 400, Y0 + 500] (100 m tall). */
const project = (x0: number, x1: number) => collection([rect('P', x0, x1, Y0 + 400, Y0 + 500)]);

function near(actual: number, expected: number, what: string) {
  const tol = Math.max(1e-6, Math.abs(expected) * 1e-6);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected}, got ${actual}`);
}

for (const tdb of testDatabases()) {
  describe(`setback bands counted once on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let dir: string;
    before(async () => {
      h = await tdb.open();
      dir = mkdtempSync(join(tmpdir(), 'onemap-setback-'));
    });
    after(async () => {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** Imports the layers (a new version each), reviews the project with one setback rule, returns its finding. */
    async function review(name: string, layers: Record<string, unknown[]>, projectText: string, rule: Record<string, unknown> = {}) {
      for (const [code, features] of Object.entries(layers)) {
        const file = join(dir, `${name}-${code}.geojson`);
        writeFileSync(file, collection(features));
        await importFile(h.db, h.config, file, { layer: code, user: 'test' });
      }
      const base = DEFAULT_RULESET.rules.find((r) => r.id === 'lanx-setback')!;
      await saveRuleSet(h.db, { ...DEFAULT_RULESET, name, rules: [{ ...base, ...rule }] }, 'test');
      const file = join(dir, `${name}-project.geojson`);
      writeFileSync(file, projectText);
      const parcels = await parcelsFromFile(h.db, h.config, file);
      const r = await runReview(h.db, { parcels, type: 'urban-construction', ruleset: name, user: 'tester', name });
      const f = r.findings.find((x) => x.ruleId === 'lanx-setback') as Finding;
      assert.ok(f, 'setback finding');
      return f;
    }

    const byFid = (f: Finding) => Object.fromEntries(f.features.map((x) => [x.fid, x.overlapAreaM2]));
    const sumFeatures = (f: Finding) => f.features.reduce((s, x) => s + x.overlapAreaM2, 0);

    test('two touching water bodies: the band of one does not cover the other', async () => {
      // W1 x ∈ [0, 100], W2 x ∈ [100, 200] (offsets from 500000), touching along x = 100; the
      // project x ∈ [-50, 250] crosses both. Band = 10 m around W1 ∪ W2 minus the waters, inside
      // the project: x ∈ [-10, 0] and [200, 210], 100 m tall → 2 × 10 × 100 = 2,000 m².
      // (Each river's band cut only by itself would also take [90, 100] of W1 and [100, 110] of
      // W2's water: 4,000 m².)
      const f = await review(
        'setback-touching',
        { LANX: [rect('W1', 500000, 500100), rect('W2', 500100, 500200)] },
        project(499950, 500250),
      );
      near(f.overlapAreaM2, 2000, 'band area (ellipsoidal)');
      near(f.overlapAreaPlanarM2, 2000, 'band area (planar)');
      // Per feature: W1 keeps its west strip, W2 its east strip, 1,000 m² each; they sum to the total.
      const m = byFid(f);
      near(m.W1, 1000, 'W1 band');
      near(m.W2, 1000, 'W2 band');
      near(sumFeatures(f), f.overlapAreaM2, 'per-feature areas sum to the total');
      assert.equal(f.verdict, 'warn');
    });

    test('two rivers 15 m apart: their bands overlap on land, counted once', async () => {
      // R1 x ∈ [0, 100], R2 x ∈ [115, 215]; project x ∈ [-50, 265]. Band: [-10, 0] (1,000 m²),
      // the whole 15 m land strip [100, 115] (1,500 m², of which [105, 110] lies in both rivers'
      // 10 m bands), [215, 225] (1,000 m²) → 3,500 m² (4,000 m² with the shared 500 m² twice).
      // Shared band goes to the feature nearest the project, then by fid: both overlap it
      // (distance 0), so R1 takes [-10, 0] and [100, 110] = 2,000 m², R2 [110, 115] and [215, 225] = 1,500 m².
      const f = await review('setback-apart', { LANX: [rect('R1', 500000, 500100), rect('R2', 500115, 500215)] }, project(499950, 500265));
      near(f.overlapAreaM2, 3500, 'band area (ellipsoidal)');
      near(f.overlapAreaPlanarM2, 3500, 'band area (planar)');
      const m = byFid(f);
      near(m.R1, 2000, 'R1 band');
      near(m.R2, 1500, 'R2 band');
      near(sumFeatures(f), f.overlapAreaM2, 'per-feature areas sum to the total');
    });

    test('a layer the rule names as already counted is cut from the band', async () => {
      // As the first case, with a 绿线 parcel x ∈ [-10, 0] on the west bank named in countedLayers:
      // the west strip is already counted by the 绿线 finding, leaving the east strip, 1,000 m².
      const layers = {
        LANX: [rect('W1', 500000, 500100), rect('W2', 500100, 500200)],
        LVX: [rect('G1', 499990, 500000)],
      };
      const f = await review('setback-counted', layers, project(499950, 500250), { countedLayers: ['LVX'] });
      near(f.overlapAreaM2, 1000, 'band area without the 绿线 strip');
      const m = byFid(f);
      near(m.W1 ?? 0, 0, 'W1 band (its strip is 绿线)');
      near(m.W2, 1000, 'W2 band');
      assert.deepEqual(f.details.countedLayers, [{ layer: 'LVX', version: 1 }], 'the cut layers and versions are cited');
    });
  });
}
