// The land lifecycle API (/api/lifecycle/…, src/lifecycle/lifecycle.routes.ts) as typed calls for
// the area's pages. Every area and date arrives computed by the server (ellipsoidal m², 亩, dates
// YYYY-MM-DD); the pages only format them.
import { computed, ref, watch } from 'vue';
import { GET, POST, PUT, type Body, type Geo, type Ok, type Query } from '../../api/client.ts';

/** Every area the lifecycle stores is a MultiPolygon (EPSG:4490); drawn ones may be Polygons. */
export type Geometry = GeoJSON.Polygon | GeoJSON.MultiPolygon;
/** An answer with its geometries typed as lifecycle areas. */
type Geoms<T> = Geo<T, Geometry>;
const geoms = <T>(p: Promise<T>) => p as Promise<Geoms<T>>;

export type Timeline = Geoms<Ok<'/api/lifecycle/parcels/{landCode}/timeline'>>;
export type Parcel = Ok<'/api/lifecycle/parcels/{landCode}'>;
export type LandEvent = Timeline['events'][number];

type IdleCaseDetail = Ok<'/api/lifecycle/idle-cases/{id}'>;
/** A case as listed, or in full with its trail (the detail and the workflow steps answer it). */
export type IdleCase = Ok<'/api/lifecycle/idle-cases'>[number] & Partial<Pick<IdleCaseDetail, 'trail'>>;
export type TrailEntry = IdleCaseDetail['trail'][number];

export type Batch = Ok<'/api/lifecycle/unsupplied/batches'>[number];
export type BatchDetail = Geoms<Ok<'/api/lifecycle/unsupplied/batches/{id}'>>;

export type InefficientCase = Ok<'/api/lifecycle/inefficient/cases'>[number] &
  Partial<Pick<Ok<'/api/lifecycle/inefficient/cases/{id}'>, 'trail'>>;
export type RuleHit = InefficientCase['hits'][number];
export type Rule = Ok<'/api/lifecycle/inefficient/rules'>['rules'][number];

export type Project = Ok<'/api/lifecycle/resettlement/projects'>[number];
export type ProjectDetail = Geoms<Ok<'/api/lifecycle/resettlement/projects/{id}'>>;

export type Warning = Ok<'/api/lifecycle/warnings'>['items'][number];
export type Board = Ok<'/api/lifecycle/warnings/board'>;

export type Ledgers = Ok<'/api/lifecycle/ledgers/{year}'>;
export type Digestion = Ledgers['unsuppliedDigestion'][number];
export type AreaFig = Ledgers['stockRevitalised']['total'];
export type NightlySummary = Ok<'/api/lifecycle/nightly', 'post'>;

type EventBody = Body<'/api/lifecycle/parcels/{landCode}/events', 'post'>;
/** A step as the case pages' forms fill it in (text fields; the server checks each). */
type StepForm = Record<string, string | number | undefined>;
const text = (v: string | number | undefined) => (v === undefined ? undefined : String(v));

export const lc = {
  parcels: (query: Query<'/api/lifecycle/parcels'>) => GET('/api/lifecycle/parcels', { query }),
  registerParcel: (body: Body<'/api/lifecycle/parcels', 'post'>) => POST('/api/lifecycle/parcels', { body }),
  timeline: (landCode: string) => geoms(GET('/api/lifecycle/parcels/{landCode}/timeline', { path: { landCode } })),
  // The kind comes from the timeline's nextEvents; the server refuses any other.
  recordEvent: (landCode: string, body: Omit<EventBody, 'kind'> & { kind: string }) =>
    geoms(POST('/api/lifecycle/parcels/{landCode}/events', { path: { landCode }, body: body as EventBody })),

  idleCases: (query: Query<'/api/lifecycle/idle-cases'>) => GET('/api/lifecycle/idle-cases', { query }),
  idleCase: (id: number) => GET('/api/lifecycle/idle-cases/{id}', { path: { id } }),
  idleStep: (id: number, b: StepForm) =>
    POST('/api/lifecycle/idle-cases/{id}/transition', {
      path: { id },
      body: {
        to: String(b.to),
        note: text(b.note),
        noticeNo: text(b.noticeNo),
        determinationNo: text(b.determinationNo),
        decisionNo: text(b.decisionNo),
        method: text(b.method),
      },
    }),

  batches: (query: Query<'/api/lifecycle/unsupplied/batches'>) => GET('/api/lifecycle/unsupplied/batches', { query }),
  batch: (id: number) => geoms(GET('/api/lifecycle/unsupplied/batches/{id}', { path: { id } })),
  batchStep: (id: number, body: Body<'/api/lifecycle/unsupplied/batches/{id}/transition', 'post'>) =>
    POST('/api/lifecycle/unsupplied/batches/{id}/transition', { path: { id }, body }),
  batchDisposal: (id: number, body: Body<'/api/lifecycle/unsupplied/batches/{id}/disposals', 'post'>) =>
    POST('/api/lifecycle/unsupplied/batches/{id}/disposals', { path: { id }, body }),

  rules: (year: number) => GET('/api/lifecycle/inefficient/rules', { query: { year } }),
  saveRules: (year: number, rules: Body<'/api/lifecycle/inefficient/rules/{year}', 'put'>['rules']) =>
    PUT('/api/lifecycle/inefficient/rules/{year}', { path: { year }, body: { rules } }),
  modes: () => GET('/api/lifecycle/inefficient/modes'),
  inefficientCases: (query: Query<'/api/lifecycle/inefficient/cases'>) => GET('/api/lifecycle/inefficient/cases', { query }),
  inefficientCase: (id: number) => GET('/api/lifecycle/inefficient/cases/{id}', { path: { id } }),
  inefficientStep: (id: number, b: StepForm) =>
    POST('/api/lifecycle/inefficient/cases/{id}/transition', {
      path: { id },
      body: {
        to: String(b.to),
        note: text(b.note),
        category: text(b.category),
        mode: text(b.mode),
        projectName: text(b.projectName),
        date: text(b.date),
        redevelopedM2: b.redevelopedM2 === undefined ? undefined : Number(b.redevelopedM2),
      },
    }),

  projects: (query: Query<'/api/lifecycle/resettlement/projects'>) => GET('/api/lifecycle/resettlement/projects', { query }),
  project: (id: number) => geoms(GET('/api/lifecycle/resettlement/projects/{id}', { path: { id } })),
  locatePlot: (id: number, body: Body<'/api/lifecycle/resettlement/projects/{id}/plot', 'put'>) =>
    PUT('/api/lifecycle/resettlement/projects/{id}/plot', { path: { id }, body }),
  projectStep: (id: number, body: Body<'/api/lifecycle/resettlement/projects/{id}/transition', 'post'>) =>
    POST('/api/lifecycle/resettlement/projects/{id}/transition', { path: { id }, body }),

  warnings: (query: Query<'/api/lifecycle/warnings'>) => GET('/api/lifecycle/warnings', { query }),
  board: () => GET('/api/lifecycle/warnings/board'),
  ledgers: (year: number, district?: string) => GET('/api/lifecycle/ledgers/{year}', { path: { year }, query: { district } }),
  nightly: () => POST('/api/lifecycle/nightly', { body: {} }),
};

// Today by the platform's clock (deadlines count from it, and a step dated after it is refused) and
// the district names (the configured district layer): asked once per page load and shared by every page of the area.
const today = ref('');
const districtNames = ref<Record<string, string>>({});
let contextLoaded: Promise<void> | null = null;
export function useContext() {
  contextLoaded ??= GET('/api/lifecycle/context')
    .then((c) => {
      today.value = c.today;
      districtNames.value = Object.fromEntries(c.districts.map((d) => [d.code, d.name ?? d.code]));
    })
    .catch(() => {
      contextLoaded = null;
    });
  return {
    ready: contextLoaded,
    today,
    names: districtNames,
    districtName: (code: string | null | undefined) => (code ? (districtNames.value[code] ?? code) : '—'),
  };
}

/** A page's year to pick: this year by the platform's clock as soon as the context is read (0 until
 * then; a year once chosen stays), and the `count` years offered, newest first, from `ahead` years
 * after this one. */
export function useYear(ctx: ReturnType<typeof useContext>, count: number, ahead = 0) {
  const year = ref(0);
  const years = computed(() => {
    const y = Number(ctx.today.value.slice(0, 4)) || new Date().getFullYear();
    return Array.from({ length: count }, (_, i) => y + ahead - i);
  });
  watch(
    () => ctx.today.value,
    (v) => {
      if (v && !year.value) year.value = Number(v.slice(0, 4));
    },
    { immediate: true },
  );
  return { year, years };
}
