// npm run bench:lifecycle — the nightly lifecycle rule run on the `large` demo city in PostgreSQL.
// Generates the lifecycle demo data if missing (one land code per ZD parcel, ≈ 50,000, with their
// events; ≈ 1,000 expropriation projects), then times:
//   A. runNightly's rules for a day 400 days after the demo date (new idle candidates, inefficient
//      re-evaluation, +1/+4/+5 and idle warnings, ledger refresh), each run rolled back so every
//      run does the same work;
//   B. the repeat run the same day (idempotent: it adds nothing), the cost of every further night;
//   C. the baseline: the same idle-land and resettlement rules as a naive per-row loop (read each
//      parcel/project, decide in TypeScript, look for an existing case, insert case + audit row by
//      row), as an ORM-style implementation would do, against the set-based statements of those
//      same two rules. Both rolled back; the created rows are compared so the two agree;
//   D. the 批而未供 ledger refresh as first written (a correlated sum over the supply events per batch)
//      against the one pass over the parcels' supply mirror it uses now; same figures compared.
// Medians of several runs; the machine is shared and noisy.
//
//   DATABASE_URL=postgres://onemap:onemap@localhost/onemap_large npm run bench:lifecycle   (ONEMAP_BENCH_RUNS=5)
import { openDb, type Queryable } from '../src/db/index.ts';
import { configFromEnv } from '../src/config.ts';
import { ensureDefaultCatalogue } from '../src/catalogue/catalogue.service.ts';
import { addDays, addYears } from '../src/util/clock.ts';
import { nightlyIn } from '../src/lifecycle/rules.ts';
import { createCandidates } from '../src/lifecycle/idle.repository.ts';
import { refreshAll } from '../src/lifecycle/unsupplied.repository.ts';
import { raiseWarnings } from '../src/lifecycle/resettlement.repository.ts';
import { generateLifecycleDemo, hasLifecycleDemo } from '../src/lifecycle/demo.ts';

const URL_ = process.env.ONEMAP_BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://onemap:onemap@localhost/onemap_large';
const RUNS = Number(process.env.ONEMAP_BENCH_RUNS ?? 5);
// The demo's "today": fixed so the data (dates are relative to it) is the same every time.
const DEMO_DAY = process.env.ONEMAP_CLOCK ?? '2026-06-30';
const DAY = addDays(DEMO_DAY, 400);

const config = { ...configFromEnv(), db: { databaseUrl: URL_ } };
const db = await openDb(config.db);
await ensureDefaultCatalogue(db);
const zd = (
  await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'ZD' WHERE f.v_to IS NULL`,
  )
).rows[0].n;
if (zd < 20000) {
  console.error(`${URL_} has ${zd} ZD parcels: bench:lifecycle needs the large demo city (onemap demo --scale large)`);
  process.exit(1);
}
if (!(await hasLifecycleDemo(db))) {
  console.log('generating lifecycle demo data on the large city …');
  const t = performance.now();
  const r = await generateLifecycleDemo(db, DEMO_DAY, { scale: 'large' });
  console.log(
    `  ${r.parcels} land codes, ${r.events} events, ${r.batches} batches, ${r.projects} projects in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}
const counts = (
  await db.query<{ p: number; e: number; r: number }>(
    `SELECT (SELECT count(*) FROM land_parcel)::int AS p, (SELECT count(*) FROM land_event)::int AS e, (SELECT count(*) FROM resettlement_project)::int AS r`,
  )
).rows[0];
console.log(
  `large city: ${counts.p.toLocaleString()} land codes, ${counts.e.toLocaleString()} events, ${counts.r} expropriation projects; rules run for ${DAY}`,
);

class Rollback extends Error {}
/** Runs fn in a transaction that is always rolled back; returns [ms, result]. */
async function rolledBack<T>(fn: (tx: Queryable) => Promise<T>): Promise<[number, T]> {
  let out: T | undefined;
  const t = performance.now();
  let ms = 0;
  try {
    await db.transaction(async (tx) => {
      out = await fn(tx);
      ms = performance.now() - t;
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  return [ms, out as T];
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// The naive baseline of the idle-land (闲置土地处置办法 第二条) and +1/+4/+5 rules, row by row.
async function naive(tx: Queryable, today: string): Promise<{ idle: number; warnings: number }> {
  let idle = 0;
  let warnings = 0;
  const codes = (await tx.query<{ land_code: string }>(`SELECT land_code FROM land_parcel ORDER BY land_code`)).rows;
  for (const { land_code } of codes) {
    const p = (
      await tx.query<{
        district: string;
        agreed_start: string | null;
        works_started_on: string | null;
        completed_on: string | null;
        halted_since: string | null;
        developed_m2: number | null;
        supply_m2: number | null;
        area_m2: number;
        invested_yuan: number | null;
        total_investment_yuan: number | null;
      }>(
        `SELECT district, agreed_start::text, works_started_on::text, completed_on::text, halted_since::text, developed_m2, supply_m2, area_m2, invested_yuan, total_investment_yuan FROM land_parcel WHERE land_code = $1`,
        [land_code],
      )
    ).rows[0];
    let basis: string | null = null;
    let base: string | null = null;
    if (!p.works_started_on && p.agreed_start && addYears(p.agreed_start, 1) < today) {
      basis = 'not-started';
      base = p.agreed_start;
    } else if (
      p.halted_since &&
      !p.completed_on &&
      p.works_started_on &&
      addYears(p.halted_since, 1) < today &&
      ((p.developed_m2 !== null && p.developed_m2 * 3 < (p.supply_m2 ?? p.area_m2)) ||
        (p.invested_yuan !== null && p.total_investment_yuan !== null && p.invested_yuan * 4 < p.total_investment_yuan))
    ) {
      basis = 'halted';
      base = p.halted_since;
    }
    if (!basis || !base) continue;
    const open = await tx.query(
      `SELECT 1 FROM idle_case WHERE land_code = $1 AND (status NOT IN ('not-idle', 'resolved', 'closed') OR (basis = $2 AND base_date = $3))`,
      [land_code, basis, base],
    );
    if (open.rows.length) continue;
    const id = (
      await tx.query<{ id: number }>(
        `INSERT INTO idle_case (land_code, basis, base_date, idle_from, district, status, detected_on, deadline) VALUES ($1, $2, $3, $4, $5, 'supervision', $6, $7) RETURNING id`,
        [land_code, basis, base, addDays(addYears(base, 1), 1), p.district, today, addDays(today, 30)],
      )
    ).rows[0].id;
    await tx.query(
      `INSERT INTO audit_log (actor, action, entity, entity_id, after) VALUES ('bench', 'idle.candidate', 'idle_case', $1, $2)`,
      [String(id), JSON.stringify({ landCode: land_code, basis })],
    );
    idle++;
  }
  const projects = (await tx.query<{ id: number }>(`SELECT id FROM resettlement_project ORDER BY id`)).rows;
  for (const { id } of projects) {
    const p = (
      await tx.query<{ district: string; name: string; status: string; expropriated_on: string | null }>(
        `SELECT district, name, status, expropriated_on::text FROM resettlement_project WHERE id = $1`,
        [id],
      )
    ).rows[0];
    if (!p.expropriated_on) continue;
    const due: [string, number, string[]][] = [
      ['resettlement+1', 1, ['started']],
      ['resettlement+4', 4, ['started', 'housing-started']],
      ['resettlement+5', 5, ['started', 'housing-started', 'housing-completed']],
    ];
    for (const [kind, years, states] of due) {
      const on = addYears(p.expropriated_on, years);
      if (!states.includes(p.status) || on > today) continue;
      const exists = await tx.query(
        `SELECT 1 FROM lifecycle_warning WHERE kind = $1 AND entity = 'resettlement_project' AND entity_id = $2 AND due_on = $3`,
        [kind, String(id), on],
      );
      if (exists.rows.length) continue;
      const w = (
        await tx.query<{ id: number }>(
          `INSERT INTO lifecycle_warning (kind, entity, entity_id, district, title, message, due_on, raised_on) VALUES ($1, 'resettlement_project', $2, $3, $4, $1, $5, $6) RETURNING id`,
          [kind, String(id), p.district, p.name, on, today],
        )
      ).rows[0].id;
      await tx.query(
        `INSERT INTO audit_log (actor, action, entity, entity_id, after) VALUES ('bench', 'warning.raise', 'resettlement_project', $1, $2)`,
        [String(id), JSON.stringify({ warningId: w, kind })],
      );
      warnings++;
    }
  }
  return { idle, warnings };
}

// D's baseline: the ledger refresh of the first version, one correlated sum per batch over land_event.
const OLD_REFRESH = `UPDATE approval_batch b SET
  supplied_m2 = coalesce((SELECT sum(e.area_m2) FROM land_event e JOIN land_parcel p ON p.land_code = e.land_code WHERE e.kind = 'supply' AND p.batch_id = b.id), 0),
  disposed_m2 = coalesce((SELECT sum(d.area_m2) FROM unsupplied_disposal d WHERE d.batch_id = b.id), 0), refreshed_on = $1 WHERE b.status <> 'digested'`;
const figures = async (tx: Queryable) =>
  (
    await tx.query<{ f: string }>(
      `SELECT string_agg(id || ':' || round(supplied_m2::numeric, 3) || ':' || round(disposed_m2::numeric, 3), ',' ORDER BY id) AS f FROM approval_batch`,
    )
  ).rows[0].f;
const refreshOld: number[] = [];
const refreshNew: number[] = [];
let sameFigures = true;

const full: number[] = [];
const repeat: number[] = [];
const setBased: number[] = [];
const rowByRow: number[] = [];
let fullResult: Awaited<ReturnType<typeof nightlyIn>> | undefined;
let same: { idle: number; warnings: number } | undefined;
let base: { idle: number; warnings: number } | undefined;
for (let i = 0; i < RUNS; i++) {
  const [ms, r] = await rolledBack((tx) => nightlyIn(tx, DAY, 'bench'));
  full.push(ms);
  fullResult = r;
  const [ms2] = await rolledBack(async (tx) => {
    await nightlyIn(tx, DAY, 'bench');
    const t = performance.now();
    await nightlyIn(tx, DAY, 'bench');
    return performance.now() - t;
  }).then(([, x]) => [x]);
  repeat.push(ms2);
  const [ms3, s] = await rolledBack(async (tx) => {
    const idle = await createCandidates(tx, DAY, 'bench');
    const w = await raiseWarnings(tx, DAY, 'bench');
    return { idle, warnings: Object.values(w).reduce((a, b) => a + b, 0) };
  });
  setBased.push(ms3);
  same = s;
  if (i < Math.min(RUNS, 3)) {
    const [ms4, b] = await rolledBack((tx) => naive(tx, DAY));
    rowByRow.push(ms4);
    base = b;
  }
  const [, a] = await rolledBack(async (tx) => {
    const t = performance.now();
    await tx.query(OLD_REFRESH, [DAY]);
    const ms = performance.now() - t;
    return { ms, f: await figures(tx) };
  });
  const [, b] = await rolledBack(async (tx) => {
    const t = performance.now();
    await refreshAll(tx, DAY, 'bench');
    const ms = performance.now() - t;
    return { ms, f: await figures(tx) };
  });
  refreshOld.push(a.ms);
  refreshNew.push(b.ms);
  sameFigures &&= a.f === b.f;
  process.stderr.write(
    `  run ${i + 1}/${RUNS}: nightly ${full[i].toFixed(0)} ms, repeat ${repeat[i].toFixed(0)} ms, idle+resettlement set-based ${setBased[i].toFixed(0)} ms${rowByRow[i] !== undefined ? `, row by row ${rowByRow[i].toFixed(0)} ms` : ''}\n`,
  );
}
console.log(`nightly run (runNightly's rules), first run of ${DAY}: median ${median(full).toFixed(0)} ms over ${RUNS} runs`);
console.log(
  `  creates: ${fullResult!.idleCandidates} idle candidates, ${fullResult!.inefficient.candidates} inefficient candidates, ${fullResult!.inefficient.reevaluated} re-evaluated, warnings ${JSON.stringify(fullResult!.warningsRaised)}, ${fullResult!.warningsResolved} resolved, ${fullResult!.unsupplied.refreshed} batches refreshed`,
);
console.log(`repeat run the same day (idempotent, adds nothing): median ${median(repeat).toFixed(0)} ms`);
console.log(
  `idle-land + resettlement rules, set-based: median ${median(setBased).toFixed(0)} ms (${same!.idle} candidates, ${same!.warnings} warnings)`,
);
console.log(
  `baseline, the same two rules row by row: median ${median(rowByRow).toFixed(0)} ms over ${rowByRow.length} runs (${base!.idle} candidates, ${base!.warnings} warnings)`,
);
console.log(
  `ratio baseline ÷ set-based: ${(median(rowByRow) / median(setBased)).toFixed(1)}×; same rows created: ${same!.idle === base!.idle && same!.warnings === base!.warnings ? 'yes' : 'NO'}`,
);
console.log(
  `批而未供 ledger refresh: first version (correlated sums over land_event) median ${median(refreshOld).toFixed(1)} ms, now (one pass over land_parcel) ${median(refreshNew).toFixed(1)} ms: ${(median(refreshOld) / median(refreshNew)).toFixed(1)}×; same figures: ${sameFigures ? 'yes' : 'NO'}`,
);
await db.close();
