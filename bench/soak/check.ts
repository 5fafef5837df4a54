// The check after bench:soak, with the server stopped and the database opened directly: every
// layer version complete or absent, every acknowledged write stored, nothing half written, and the
// audit trail's hash chain intact. The statements are the checker's own (like the other bench
// scripts' baselines): they restate the store's invariants (decision 0001) independently of the
// store code they check.
import type { Db } from '../../src/db/index.ts';
import { verifyAudit } from '../../src/audit/audit.ts';
import type { LoadState, SentImport } from './load.ts';

export interface CheckResult {
  versions: number;
  /** Versions whose rows do not match their catalogue record, rows of no recorded version, … */
  broken: string[];
  auditRows: number;
  auditBroken: string | null;
  importsAcked: number;
  importsLost: string[];
  /** Imports sent without a 201 (cut by a kill, or refused): stored whole, or absent. */
  unackedCommitted: number;
  unackedAbsent: number;
  halfWritten: string[];
  reviewsAcked: number;
  reviewsLost: string[];
}

interface VersionRow {
  code: string;
  version: number;
  feature_count: number;
  added: number;
  removed: number;
  changed: number;
  note: string | null;
  alive: number;
  born: number;
  ended: number;
  tagged: number;
  audits: number;
}

// Per version: rows alive at it (v_from ≤ v < v_to), rows it wrote (v_from = v: added + changed),
// rows it ended (v_to = v: removed + changed), rows carrying its note as the soak tag, and its
// audit entries (exactly one `layer.import` per version, written in the same transaction).
const VERSIONS_SQL = `
SELECT l.code, v.version, v.feature_count, v.added, v.removed, v.changed, v.note,
  (SELECT count(*)::int FROM feature f WHERE f.layer_id = v.layer_id AND f.v_from <= v.version
      AND (f.v_to IS NULL OR f.v_to > v.version)) AS alive,
  (SELECT count(*)::int FROM feature f WHERE f.layer_id = v.layer_id AND f.v_from = v.version) AS born,
  (SELECT count(*)::int FROM feature f WHERE f.layer_id = v.layer_id AND f.v_to = v.version) AS ended,
  (SELECT count(*)::int FROM feature f WHERE f.layer_id = v.layer_id AND f.v_from = v.version
      AND v.note IS NOT NULL AND f.props->>'soak' = v.note) AS tagged,
  (SELECT count(*)::int FROM audit_log a WHERE a.action = 'layer.import' AND a.entity = 'layer'
      AND a.entity_id = l.code AND a.after->>'version' = v.version::text) AS audits
FROM layer_version v JOIN layer l ON l.id = v.layer_id
ORDER BY l.code, v.version`;

// Rows that name a version the catalogue does not have: what a half-written version leaves.
const ORPHANS_SQL = `
SELECT 'feature' AS t, l.code, f.v_from, f.v_to, count(*)::int AS n
  FROM feature f JOIN layer l ON l.id = f.layer_id
 WHERE NOT EXISTS (SELECT 1 FROM layer_version v WHERE v.layer_id = f.layer_id AND v.version = f.v_from)
    OR (f.v_to IS NOT NULL AND NOT EXISTS (SELECT 1 FROM layer_version v WHERE v.layer_id = f.layer_id AND v.version = f.v_to))
 GROUP BY 1, 2, 3, 4
UNION ALL
SELECT 'feature_part', l.code, p.v_from, p.v_to, count(*)::int
  FROM feature_part p JOIN layer l ON l.id = p.layer_id
 WHERE NOT EXISTS (SELECT 1 FROM feature f WHERE f.layer_id = p.layer_id AND f.id = p.feature_id
                      AND f.v_from = p.v_from AND f.v_to IS NOT DISTINCT FROM p.v_to)
 GROUP BY 1, 2, 3, 4
UNION ALL
SELECT 'feature without parts', l.code, f.v_from, f.v_to, count(*)::int
  FROM feature f JOIN layer l ON l.id = f.layer_id
 WHERE f.npoints > 256 AND NOT EXISTS (SELECT 1 FROM feature_part p WHERE p.layer_id = f.layer_id
                      AND p.feature_id = f.id AND p.v_from = f.v_from AND p.v_to IS NOT DISTINCT FROM f.v_to)
 GROUP BY 1, 2, 3, 4
UNION ALL
SELECT 'active version', l.code, l.active_version, NULL::int, 1
  FROM layer l
 WHERE l.active_version IS DISTINCT FROM (SELECT max(v.version) FROM layer_version v WHERE v.layer_id = l.id)
UNION ALL
SELECT 'import audit without a version', a.entity_id, (a.after->>'version')::int, NULL::int, count(*)::int
  FROM audit_log a
 WHERE a.action = 'layer.import' AND a.entity = 'layer' AND coalesce(a.after->>'dryRun', 'false') <> 'true'
   AND NOT EXISTS (SELECT 1 FROM layer_version v JOIN layer l ON l.id = v.layer_id
                    WHERE l.code = a.entity_id AND v.version::text = a.after->>'version')
 GROUP BY 1, 2, 3, 4`;

// Rows carrying a soak tag, per tag: an import that left rows without its version is half written.
const TAGS_SQL = `
SELECT f.props->>'soak' AS nonce, count(*)::int AS n
  FROM feature f JOIN layer l ON l.id = f.layer_id
 WHERE l.code = ANY(string_to_array($1, ',')) AND f.props ? 'soak'
 GROUP BY 1`;

const REVIEWS_SQL = `SELECT id::int AS id, project_name FROM review_run WHERE id = ANY(string_to_array($1, ',')::bigint[])`;

export async function checkDatabase(db: Db, state: LoadState, importLayers: string[]): Promise<CheckResult> {
  const broken: string[] = [];
  const versions = (await db.query<VersionRow>(VERSIONS_SQL)).rows;
  for (const v of versions) {
    const at = `${v.code} v${v.version}`;
    if (v.alive !== v.feature_count) broken.push(`${at}: ${v.alive} rows alive, catalogue says ${v.feature_count}`);
    if (v.born !== v.added + v.changed) broken.push(`${at}: wrote ${v.born} rows, catalogue says +${v.added} ~${v.changed}`);
    if (v.ended !== v.removed + v.changed) broken.push(`${at}: ended ${v.ended} rows, catalogue says −${v.removed} ~${v.changed}`);
    if (v.audits !== 1) broken.push(`${at}: ${v.audits} layer.import audit entries (expected 1)`);
  }
  for (const o of (await db.query<{ t: string; code: string; v_from: number; v_to: number | null; n: number }>(ORPHANS_SQL)).rows) {
    broken.push(`${o.t}: ${o.code} [${o.v_from}, ${o.v_to ?? '∞'}) × ${o.n}`);
  }

  const byNote = new Map(versions.filter((v) => v.note).map((v) => [v.note!, v]));
  const tags = new Map((await db.query<{ nonce: string; n: number }>(TAGS_SQL, [importLayers.join(',')])).rows.map((r) => [r.nonce, r.n]));
  const whole = (s: SentImport, v: VersionRow) => v.code === s.layer && v.feature_count === s.total && v.tagged === s.tagged;
  const importsLost: string[] = [];
  const halfWritten: string[] = [];
  let unackedCommitted = 0;
  let unackedAbsent = 0;
  for (const s of state.imports) {
    const v = byNote.get(s.nonce);
    if (s.version !== undefined) {
      if (!v || v.version !== s.version || !whole(s, v))
        importsLost.push(
          `${s.layer} v${s.version} (${s.nonce}, ${s.total} features): ${v ? `stored as v${v.version}, ${v.feature_count} features, ${v.tagged} tagged` : 'not stored'}`,
        );
    } else if (v) {
      if (whole(s, v)) unackedCommitted++;
      else
        halfWritten.push(
          `${s.nonce}: v${v.version} has ${v.feature_count} features / ${v.tagged} tagged, the file had ${s.total} / ${s.tagged}`,
        );
    } else if (tags.get(s.nonce)) {
      halfWritten.push(`${s.nonce}: ${tags.get(s.nonce)} rows stored without a version`);
    } else unackedAbsent++;
  }

  const acked = state.reviews;
  const stored = new Map(
    acked.length
      ? (await db.query<{ id: number; project_name: string }>(REVIEWS_SQL, [acked.map((r) => r.runId).join(',')])).rows.map((r) => [
          r.id,
          r.project_name,
        ])
      : [],
  );
  const reviewsLost = acked.filter((r) => stored.get(r.runId) !== r.name).map((r) => `review run ${r.runId} (${r.name})`);

  const chain = await verifyAudit(db);
  return {
    versions: versions.length,
    broken,
    auditRows: chain.rows,
    auditBroken: chain.broken ? `#${chain.broken.id} ${chain.broken.action} (${chain.broken.reason})` : null,
    importsAcked: state.imports.filter((s) => s.version !== undefined).length,
    importsLost,
    unackedCommitted,
    unackedAbsent,
    halfWritten,
    reviewsAcked: acked.length,
    reviewsLost,
  };
}
