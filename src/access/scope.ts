// A coverage run as a reader limited to districts sees it (issue 22 item 5): a district officer
// reads the restricted residential layer (ZD) only inside their districts, so the run's figures —
// residential area, parcels, population, coverage, uncovered and unsnapped counts, and the
// facilities of a restricted facility layer — are recounted over what lies inside, with the same
// tally as the run itself (coverage.ts, figures.ts). Whole-layer readers get the stored summary.
import type { Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import type { User } from '../auth/types.ts';
import { readableLayer } from '../auth/layers.ts';
import * as repo from './access.repository.ts';
import * as scoped from './scope.repository.ts';
import { tally } from './coverage.ts';
import { countUncovered, figuresOf, pct, toFacts, type RunSummary } from './figures.ts';

export interface Reader {
  user: User;
  /** The configured district layer (config.districts). */
  districts: DistrictLayer;
}

/** The districts the reader is limited to on layer `code`; null when they read all of it. */
export async function districtsOf(db: Queryable, reader: Reader | undefined, code: string): Promise<string[] | null> {
  if (!reader) return null;
  return (await readableLayer(db, reader.user, code)).districts;
}

/** The residential layer a run read (its code as stored in the run's parameters). */
export const residentialCode = (run: repo.RunRow) => (run.params as { residential: { layer: string } }).residential.layer;

/** The run's summary as this reader may see it. */
export async function summaryFor(db: Queryable, run: repo.RunRow, reader?: Reader): Promise<RunSummary> {
  const stored = run.summary as unknown as RunSummary;
  if (!reader) return stored;
  const types = await repo.runTypes(db, run.id);
  const typeRows: repo.RunTypeRow[] = [];
  let cut = false;
  for (const t of types) {
    const codes = await districtsOf(db, reader, t.layer_code);
    if (!codes) {
      typeRows.push(t);
      continue;
    }
    cut = true;
    const layerId = (await readableLayer(db, reader.user, t.layer_code)).layer.id;
    const f = await scoped.runFacilitiesWithin(db, run.id, t.idx, layerId, codes, reader.districts);
    typeRows.push({ ...t, facilities: f.facilities, snapped: f.snapped });
  }
  const codes = await districtsOf(db, reader, residentialCode(run));
  if (!codes && !cut) return stored;
  const parcels = codes
    ? await scoped.runParcelsWithin(db, run.id, run.residential_layer_id, codes, reader.districts)
    : await repo.runParcels(db, run.id);
  const facts = parcels.map(toFacts);
  const names = new Map(stored.byDistrict.map((d) => [d.code, d.name]));
  return {
    ...stored,
    ...figuresOf(tally(facts, types.length), typeRows, names),
    uncoveredCount: countUncovered(facts, types.length),
    unsnappedParcels: parcels.filter((p) => p.edge_id === null).length,
  };
}

/** The coverage (all types) of each run as this reader may see it: run id → percent. */
export async function coverageFor(db: Queryable, runs: repo.RunRow[], reader?: Reader): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const cut: repo.RunRow[] = [];
  let codes: string[] | null = null;
  for (const run of runs) {
    const c = await districtsOf(db, reader, residentialCode(run));
    if (c) {
      cut.push(run);
      codes = c;
    } else out.set(run.id, (run.summary as unknown as RunSummary).city.coveragePercent);
  }
  if (codes && reader) {
    const inside = await scoped.runCoverageWithin(
      db,
      cut.map((r) => r.id),
      codes,
      reader.districts,
    );
    for (const r of cut) {
      const x = inside.get(r.id)!;
      out.set(r.id, pct(x.covered, x.area)!);
    }
  }
  return out;
}
