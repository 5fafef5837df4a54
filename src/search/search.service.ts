// 搜索: find a place by district, detailed-plan unit (code or name), parcel code, facility or park
// name — among the layers the caller may read, inside their scope. The public therefore never
// gets a hit from a restricted layer.
import { readerFor, type Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import type { User } from '../auth/types.ts';
import { readableLayers } from '../auth/layers.ts';
import { searchLayer } from './search.repository.ts';
import type { Hit } from './search.schemas.ts';

/** Layers searched and the attributes that name their features (domain.md §3, §11); the district layer comes from the configuration. */
function searchable(d: DistrictLayer): Record<string, string[]> {
  return {
    [d.layer]: [d.nameField, d.codeField],
    XXGHDY: ['DYMC', 'DYBH'],
    ZD: ['ZDDM'],
    GGFWSS: ['SSMC'],
    GYLD: ['GYMC'],
    JC: ['JCMC'],
  };
}

export async function searchPlaces(q: Queryable, d: DistrictLayer, user: User, text: string, limit: number): Promise<Hit[]> {
  const fieldsOf = searchable(d);
  const hits: Hit[] = [];
  if (!text) return hits;
  for (const scope of await readableLayers(q, user)) {
    const fields = fieldsOf[scope.layer.code];
    if (!fields || scope.layer.active_version === null) continue;
    // The replica once it has this version (db/replica.ts); district-scoped reads on the primary.
    const reader = scope.districts ? q : await readerFor(q, [{ layerId: scope.layer.id, version: scope.layer.active_version }]);
    for (const h of await searchLayer(reader, d, scope, scope.layer.active_version, fields, text, limit)) {
      hits.push({
        layer: scope.layer.code,
        layerName: scope.layer.name_zh,
        fid: h.fid,
        label: h.label,
        bbox: h.bbox,
        center: [(h.bbox[0] + h.bbox[2]) / 2, (h.bbox[1] + h.bbox[3]) / 2],
      });
    }
    if (hits.length >= limit) break;
  }
  return hits.slice(0, limit);
}
