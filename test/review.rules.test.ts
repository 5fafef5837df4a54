// Every rule kind against hand-made fixtures (fixtures/<rule>/<pass|fail|warn>/<case>/): squares,
// an L-shape, a hole, a parcel touching but not overlapping, a digitising sliver, a multi-parcel
// coordinate TXT. Geometry is in EPSG:4549 metres next to the 120°E central meridian, where
// planar and ellipsoidal areas agree to ~1e-8, so a 100 m × 100 m overlap is 10,000 m² = 15 亩 in
// both. Expected figures are worked out in each case.json "description", not taken from a run.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { testDatabases } from './helpers/db.ts';
import { importFile } from '../src/importers/pipeline.ts';
import { parcelsFromFile } from '../src/review/input.ts';
import { runReview } from '../src/review/engine.ts';
import { DEFAULT_RULESET, saveRuleSet } from '../src/review/ruleset.ts';

interface ExpectedFinding {
  verdict: string;
  overlapAreaM2?: number;
  overlapAreaPlanarM2?: number;
  overlapAreaMu?: number;
  overlapPercent?: number;
  belowTolerance?: boolean;
  features?: string[];
  distanceM?: number;
  limitElevationM?: number;
  topElevationM?: number;
}
interface Case {
  dir: string;
  description: string;
  type: string;
  indicators?: Record<string, number>;
  verdict: string;
  parcelCount?: number;
  projectAreaM2?: number;
  findings: Record<string, ExpectedFinding>;
}

const RULES = ['forbidden-overlap', 'must-be-within', 'setback', 'attribute-condition', 'plan-indicators', 'airport-clearance'];
const cases: Case[] = [];
for (const rule of RULES) {
  for (const outcome of readdirSync(join('fixtures', rule))) {
    for (const name of readdirSync(join('fixtures', rule, outcome))) {
      const dir = join('fixtures', rule, outcome, name);
      cases.push({ dir, ...JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) });
    }
  }
}

/** Relative closeness: areas within 0.01% (the issue's bar), absolute 1e-3 for tiny values. */
function near(actual: number, expected: number, what: string) {
  const tol = Math.max(1e-3, Math.abs(expected) * 1e-4);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected}, got ${actual}`);
}

for (const tdb of testDatabases()) {
  describe(`review rules on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    before(async () => {
      h = await tdb.open();
    });
    after(async () => {
      await h.close();
    });

    test('every rule kind has a pass and a fail fixture', () => {
      for (const rule of RULES) {
        const outcomes = readdirSync(join('fixtures', rule));
        assert.ok(outcomes.includes('pass') && outcomes.includes('fail'), `fixtures/${rule} needs pass/ and fail/`);
      }
    });

    for (const c of cases) {
      test(`${c.dir}: ${c.description}`, async () => {
        // The case's own layers (a new version each time, replacing the previous case's), and a
        // rule set holding only the default rules on those layers, so other cases do not interfere.
        const codes = readdirSync(join(c.dir, 'layers')).map((f) => f.replace(/\.geojson$/, ''));
        for (const code of codes) await importFile(h.db, h.config, join(c.dir, 'layers', `${code}.geojson`), { layer: code, user: 'test' });
        const name = `case-${c.dir.replace(/[^A-Za-z0-9]+/g, '-')}`.slice(0, 40);
        await saveRuleSet(h.db, { ...DEFAULT_RULESET, name, rules: DEFAULT_RULESET.rules.filter((r) => codes.includes(r.layer)) }, 'test');

        const file = existsSync(join(c.dir, 'project.txt')) ? join(c.dir, 'project.txt') : join(c.dir, 'project.geojson');
        const parcels = await parcelsFromFile(h.db, h.config, file);
        const r = await runReview(h.db, { parcels, type: c.type, indicators: c.indicators, ruleset: name, user: 'tester', name: c.dir });

        assert.equal(
          r.verdict,
          c.verdict,
          `overall verdict; findings: ${r.findings.map((f) => `${f.key}=${f.verdict} ${f.message}`).join(' | ')}`,
        );
        if (c.parcelCount !== undefined) assert.equal(r.project.parcelCount, c.parcelCount);
        if (c.projectAreaM2 !== undefined) {
          near(r.project.areaM2, c.projectAreaM2, 'project ellipsoidal area');
          near(r.project.areaPlanarM2, c.projectAreaM2, 'project planar area');
        }
        for (const [key, e] of Object.entries(c.findings)) {
          const f = r.findings.find((x) => x.key === key);
          assert.ok(f, `finding ${key} missing; have ${r.findings.map((x) => x.key).join(', ')}`);
          assert.equal(f.verdict, e.verdict, `${key} verdict (${f.message})`);
          if (e.overlapAreaM2 !== undefined) near(f.overlapAreaM2, e.overlapAreaM2, `${key} overlapAreaM2`);
          if (e.overlapAreaPlanarM2 !== undefined) near(f.overlapAreaPlanarM2, e.overlapAreaPlanarM2, `${key} overlapAreaPlanarM2`);
          if (e.overlapAreaM2 !== undefined)
            near(f.overlapAreaPlanarM2, e.overlapAreaM2, `${key} planar equals ellipsoidal at the central meridian`);
          if (e.overlapAreaMu !== undefined) near(f.overlapAreaMu, e.overlapAreaMu, `${key} overlapAreaMu`);
          if (e.overlapPercent !== undefined) near(f.overlapPercent, e.overlapPercent, `${key} overlapPercent`);
          if (e.belowTolerance !== undefined) assert.equal(f.belowTolerance, e.belowTolerance);
          if (e.features) assert.deepEqual(f.features.map((x) => x.fid).sort(), [...e.features].sort(), `${key} features hit`);
          if (e.distanceM !== undefined) near(f.features[0].distanceM!, e.distanceM, `${key} distance`);
          if (e.limitElevationM !== undefined) assert.equal(f.details.limitElevationM, e.limitElevationM);
          if (e.topElevationM !== undefined) assert.equal(f.details.topElevationM, e.topElevationM);
          if (f.verdict !== 'pass' && f.overlapAreaM2 > 0) assert.ok(f.geometry, `${key}: a conflict carries its geometry`);
          assert.ok(f.legalBasis, `${key}: legal basis cited`);
          assert.ok(f.message.length > 0);
        }
        assert.equal(r.versions.ruleset.name, name);
        for (const code of codes) assert.ok(r.versions.layers[code]! >= 1, `layer version of ${code} recorded`);
      });
    }
  });
}
