// The 15-minute life circle's parameters as data: facility types with their walking budgets,
// walk speed, snap distance and which layers hold the network, residential land, districts and
// water (default-facility-types.json; GB 50180-2018). Callers override any of it per run.
import { readFileSync } from 'node:fs';
import { Invalid } from '../errors.ts';

export interface MatchRule {
  field: string;
  values: string[];
}

export interface FacilityTypeDef {
  /** Name shown and used to select the type: 小学, 公园, … */
  type: string;
  code?: string;
  /** Budget as walking time; or budgetM in metres (wins when both are given). */
  budgetMinutes?: number;
  budgetM?: number;
  /** Layer holding the facilities (points, or polygons such as parks). */
  layer: string;
  /** A feature is of this type when any rule matches; none = every feature of the layer. */
  match?: MatchRule[];
  basis?: string;
}

export interface NetworkParams {
  layer: string;
  /** Line ends closer than this are joined, and ends this close to another line are connected to it. */
  toleranceM: number;
  /** Attribute saying whether a line is walkable (false/0/否/no → not walkable). */
  walkableField: string | null;
  /** Attribute and values marking lines nobody walks on (expressways). */
  excludeField: string | null;
  excludeValues: string[];
}

export interface ResidentialSource {
  layer: string;
  /** Field and POSIX regular expression selecting residential features; field null = all features. */
  field: string | null;
  pattern: string | null;
  /** Population field (e.g. RKS): used for population-weighted coverage when features carry it. */
  populationField: string | null;
}

export interface DistrictSource {
  layer: string;
  codeField: string;
  nameField: string;
}

export interface AccessDefaults {
  walkSpeedKmH: number;
  maxSnapM: number;
  network: NetworkParams;
  residential: ResidentialSource;
  districts: DistrictSource;
  water: { layer: string } | null;
  types: FacilityTypeDef[];
}

const DEFAULTS = JSON.parse(readFileSync(new URL('./default-facility-types.json', import.meta.url), 'utf8')) as AccessDefaults;

/** A deep copy, so nobody edits the shared defaults by accident. */
export function accessDefaults(): AccessDefaults {
  return structuredClone(DEFAULTS);
}

/** What a caller may change for one coverage run (REST body, CLI flags, tests). */
export interface CoverageInput {
  /** Names of default types to include (default: all); ignored when typeDefs is given. */
  types?: string[];
  /** A complete list of type definitions replacing the defaults. */
  typeDefs?: FacilityTypeDef[];
  /** Budget overrides in minutes, by type name. */
  budgets?: Record<string, number>;
  walkSpeedKmH?: number;
  maxSnapM?: number;
  residential?: Partial<ResidentialSource>;
  districts?: Partial<DistrictSource>;
  /** null: do not check snap lines against water. */
  water?: { layer: string } | null;
  network?: Partial<NetworkParams>;
  user?: string;
}

export interface ResolvedType extends FacilityTypeDef {
  budgetMinutes: number;
  budgetM: number;
}

export interface CoverageParams {
  walkSpeedKmH: number;
  walkSpeedMPerMin: number;
  maxSnapM: number;
  network: NetworkParams;
  residential: ResidentialSource;
  districts: DistrictSource;
  water: { layer: string } | null;
  types: ResolvedType[];
}

/** A coverage input that cannot be used (400), saying which and why. */
export class AccessInputError extends Invalid {}

/** The keys of an override that are actually set (`{ a: undefined }` must not erase a default). */
export function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Metres walked per minute at a speed in km/h (4 km/h → 66.67 m/min, 15 min → 1000 m). */
export const metresPerMinute = (kmh: number) => (kmh * 1000) / 60;

export function resolveType(def: FacilityTypeDef, speedKmH: number, minutesOverride?: number): ResolvedType {
  const mpm = metresPerMinute(speedKmH);
  let budgetM: number;
  let budgetMinutes: number;
  if (minutesOverride !== undefined) {
    budgetMinutes = minutesOverride;
    budgetM = minutesOverride * mpm;
  } else if (def.budgetM !== undefined) {
    budgetM = def.budgetM;
    budgetMinutes = def.budgetM / mpm;
  } else if (def.budgetMinutes !== undefined) {
    budgetMinutes = def.budgetMinutes;
    budgetM = def.budgetMinutes * mpm;
  } else {
    throw new AccessInputError(`facility type "${def.type}" has no budget: give budgetMinutes or budgetM`);
  }
  if (!(budgetM > 0) || !Number.isFinite(budgetM))
    throw new AccessInputError(`facility type "${def.type}": the budget must be a positive number, got ${budgetM} m`);
  if (!def.layer) throw new AccessInputError(`facility type "${def.type}" names no layer`);
  return { ...def, budgetMinutes, budgetM };
}

export function resolveCoverageParams(input: CoverageInput = {}): CoverageParams {
  const d = accessDefaults();
  const speed = input.walkSpeedKmH ?? d.walkSpeedKmH;
  if (!(speed > 0 && speed < 20)) throw new AccessInputError(`walk speed must be between 0 and 20 km/h, got ${speed}`);
  const maxSnapM = input.maxSnapM ?? d.maxSnapM;
  if (!(maxSnapM >= 0 && maxSnapM <= 5000)) throw new AccessInputError(`maximum snap distance must be 0–5000 m, got ${maxSnapM}`);
  let defs = input.typeDefs ?? d.types;
  if (!input.typeDefs && input.types?.length) {
    const unknown = input.types.filter((t) => !d.types.some((x) => x.type === t || x.code === t));
    if (unknown.length)
      throw new AccessInputError(
        `unknown facility type ${unknown.map((t) => `"${t}"`).join(', ')}: known types are ${d.types.map((t) => t.type).join('、')}`,
      );
    defs = d.types.filter((x) => input.types!.includes(x.type) || (x.code !== undefined && input.types!.includes(x.code)));
  }
  if (defs.length === 0) throw new AccessInputError('no facility types to compute');
  if (defs.length > 31) throw new AccessInputError(`at most 31 facility types per run, got ${defs.length}`);
  const names = new Set<string>();
  for (const t of defs) {
    if (names.has(t.type)) throw new AccessInputError(`facility type "${t.type}" is listed twice`);
    names.add(t.type);
  }
  // Budgets may name any known type (a saved set of budgets works with a subset of types), but
  // not an unknown one: that is a typo.
  const known = new Set((input.typeDefs ?? d.types).map((t) => t.type));
  for (const k of Object.keys(input.budgets ?? {})) {
    if (!known.has(k)) throw new AccessInputError(`budget given for "${k}", which is not a facility type`);
  }
  const residential = { ...d.residential, ...defined(input.residential) };
  if (residential.pattern) {
    try {
      new RegExp(residential.pattern);
    } catch {
      throw new AccessInputError(`residential pattern "${residential.pattern}" is not a valid regular expression`);
    }
  }
  return {
    walkSpeedKmH: speed,
    walkSpeedMPerMin: metresPerMinute(speed),
    maxSnapM,
    network: { ...d.network, ...defined(input.network) },
    residential,
    districts: { ...d.districts, ...defined(input.districts) },
    water: input.water === undefined ? d.water : input.water,
    types: defs.map((t) => resolveType(t, speed, input.budgets?.[t.type])),
  };
}
