// What /health reports of the database: server versions and the layer and feature counts of what
// the caller may read (the public does not learn how many restricted layers exist).
import type { Db } from '../db/index.ts';
import type { User } from '../auth/types.ts';
import { serverVersions } from '../db/db.repository.ts';
import { readableLayers } from '../auth/layers.ts';
import { layerSummaries } from '../catalogue/catalogue.service.ts';

export type HealthFigures = Awaited<ReturnType<typeof figures>>;

/** What /health reports of the database, as `user` may see it. */
export async function figures(db: Db, user: User) {
  const versions = await serverVersions(db);
  const readable = new Set((await readableLayers(db, user)).map((x) => x.layer.code));
  const layers = (await layerSummaries(db)).filter((l) => readable.has(l.code));
  return {
    ...versions,
    layers: layers.length,
    layersWithFeatures: layers.filter((l) => l.feature_count > 0).length,
    features: layers.reduce((n, l) => n + l.feature_count, 0),
  };
}
