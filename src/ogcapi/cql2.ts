// A small CQL2-text parser (OGC 21-065, Basic CQL2 + S_INTERSECTS): comparisons of a property
// with a literal (string, number, boolean, DATE, TIMESTAMP), IS [NOT] NULL, AND/OR/NOT,
// parentheses, and S_INTERSECTS(geometry, <WKT or BBOX>). It yields a tree of checked values; the repository turns that tree into SQL with every
// value bound as a parameter. Spatial literals are not passed on as the caller wrote them: they are
// parsed into numbers and written back as canonical WKT (x/y order, storage-CRS SRID), so the text
// PostGIS reads contains nothing but a type keyword, parentheses, commas and numbers.
import type { OgcCrs } from './crs.ts';

export type Comparison = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type Literal = string | number | boolean;

export type CqlNode =
  | { op: 'and' | 'or'; args: CqlNode[] }
  | { op: 'not'; arg: CqlNode }
  | { op: 'compare'; cmp: Comparison; property: string; value: Literal }
  | { op: 'isNull'; property: string; negated: boolean }
  /** `wkt` is in x/y (easting-first) order in `srid`. */
  | { op: 'intersects'; wkt: string; srid: number };

/** Limits that keep one request's filter from becoming a denial of service. */
const MAX_LENGTH = 100_000;
const MAX_COORDS = 20_000;
const MAX_DEPTH = 20;

/** The name of the geometry queryable (Part 3 /rec/queryables/geom). */
export const GEOMETRY_QUERYABLE = 'geometry';

export class CqlError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(`parameter "filter": ${message}`);
    this.name = 'CqlError';
  }
}

type Tok = { t: 'id' | 'qid' | 'num' | 'str' | 'op' | 'punct'; v: string; at: number };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  const re =
    /\s+|([A-Za-z_][A-Za-z0-9_]*)|"((?:[^"]|"")*)"|([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?)|'((?:[^']|'')*)'|(<>|<=|>=|=|<|>)|([(),])/y;
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) throw new CqlError(`unexpected character "${s[i]}" at position ${i + 1}`);
    if (m[1] !== undefined) out.push({ t: 'id', v: m[1], at: i });
    else if (m[2] !== undefined) out.push({ t: 'qid', v: m[2].replace(/""/g, '"'), at: i });
    else if (m[3] !== undefined) out.push({ t: 'num', v: m[3], at: i });
    else if (m[4] !== undefined) out.push({ t: 'str', v: m[4].replace(/''/g, "'"), at: i });
    else if (m[5] !== undefined) out.push({ t: 'op', v: m[5], at: i });
    else if (m[6] !== undefined) out.push({ t: 'punct', v: m[6], at: i });
    i = re.lastIndex;
  }
  return out;
}

const WKT_DEPTH: Record<string, number[]> = {
  POINT: [1],
  LINESTRING: [1],
  POLYGON: [2],
  MULTIPOINT: [1, 2],
  MULTILINESTRING: [2],
  MULTIPOLYGON: [3],
};

type Nested = number[] | Nested[];

/** Keywords that cannot be bare property names (a quoted "AND" still can). */
const RESERVED = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL', 'TRUE', 'FALSE', 'DATE', 'TIMESTAMP']);

class Parser {
  private i = 0;
  private coords = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly properties: ReadonlySet<string>,
    private readonly crs: OgcCrs,
  ) {}

  parse(): CqlNode {
    const n = this.or(0);
    if (this.i < this.toks.length) throw new CqlError(`unexpected "${this.toks[this.i].v}" at position ${this.toks[this.i].at + 1}`);
    return n;
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }
  private isKw(kw: string, k = 0): boolean {
    const t = this.toks[this.i + k];
    return t?.t === 'id' && t.v.toUpperCase() === kw;
  }
  private next(what: string): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new CqlError(`expected ${what} but the filter ended`);
    return t;
  }
  private expect(v: string): void {
    const t = this.next(`"${v}"`);
    if (t.v !== v || (t.t !== 'punct' && t.t !== 'op')) throw new CqlError(`expected "${v}" at position ${t.at + 1}, got "${t.v}"`);
  }

  private or(depth: number): CqlNode {
    return this.chain('or', () => this.and(depth));
  }
  private and(depth: number): CqlNode {
    return this.chain('and', () => this.not(depth));
  }
  /** operand (OR|AND operand)*: one operand as it is, several under one node. */
  private chain(op: 'and' | 'or', operand: () => CqlNode): CqlNode {
    const args = [operand()];
    while (this.isKw(op.toUpperCase())) {
      this.i++;
      args.push(operand());
    }
    return args.length === 1 ? args[0] : { op, args };
  }
  private not(depth: number): CqlNode {
    if (depth > MAX_DEPTH) throw new CqlError(`nested more than ${MAX_DEPTH} levels`);
    if (this.isKw('NOT')) {
      this.i++;
      return { op: 'not', arg: this.not(depth + 1) };
    }
    return this.primary(depth);
  }
  private primary(depth: number): CqlNode {
    const t = this.peek();
    if (t?.t === 'punct' && t.v === '(') {
      this.i++;
      const n = this.or(depth + 1);
      this.expect(')');
      return n;
    }
    if (this.isKw('S_INTERSECTS')) return this.intersects();
    return this.comparison();
  }

  private property(): string {
    const t = this.next('a property name');
    const isName = t.t === 'qid' || (t.t === 'id' && !RESERVED.has(t.v.toUpperCase()));
    if (!isName) throw new CqlError(`expected a property name at position ${t.at + 1}, got "${t.v}"`);
    if (!this.properties.has(t.v)) throw new CqlError(`unknown property "${t.v}" (see the collection's queryables)`);
    return t.v;
  }

  private literal(): Literal {
    // DATE('2024-06-30') / TIMESTAMP('2024-06-30T08:00:00Z'): compared as text, which orders
    // ISO 8601 values correctly (dates in the attributes are stored that way).
    if ((this.isKw('DATE') || this.isKw('TIMESTAMP')) && this.toks[this.i + 1]?.v === '(') {
      const kw = this.next('DATE or TIMESTAMP').v.toUpperCase();
      this.expect('(');
      const t = this.next('a quoted date');
      const re = kw === 'DATE' ? /^\d{4}-\d{2}-\d{2}$/ : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
      if (t.t !== 'str' || !re.test(t.v)) throw new CqlError(`${kw} needs a quoted ISO 8601 value at position ${t.at + 1}`);
      this.expect(')');
      return t.v;
    }
    const t = this.next('a value');
    if (t.t === 'str') return t.v;
    if (t.t === 'num') {
      const n = Number(t.v);
      if (!Number.isFinite(n)) throw new CqlError(`number "${t.v}" is out of range`);
      return n;
    }
    if (t.t === 'id' && (t.v.toUpperCase() === 'TRUE' || t.v.toUpperCase() === 'FALSE')) return t.v.toUpperCase() === 'TRUE';
    throw new CqlError(`expected a string, number or boolean at position ${t.at + 1}, got "${t.v}"`);
  }

  private comparison(): CqlNode {
    const property = this.property();
    if (this.isKw('IS')) {
      this.i++;
      const negated = this.isKw('NOT');
      if (negated) this.i++;
      if (!this.isKw('NULL')) throw new CqlError('expected NULL after IS');
      this.i++;
      return { op: 'isNull', property, negated };
    }
    const t = this.next('a comparison operator');
    if (t.t !== 'op') throw new CqlError(`expected a comparison operator (=, <>, <, <=, >, >=) at position ${t.at + 1}, got "${t.v}"`);
    const value = this.literal();
    if (typeof value === 'boolean' && t.v !== '=' && t.v !== '<>') throw new CqlError(`booleans compare only with = and <>`);
    return { op: 'compare', cmp: t.v as Comparison, property, value };
  }

  private intersects(): CqlNode {
    this.i++;
    this.expect('(');
    let wkt: string;
    if (this.isGeomProperty()) {
      this.i++;
      this.expect(',');
      wkt = this.spatialLiteral();
    } else {
      wkt = this.spatialLiteral();
      this.expect(',');
      if (!this.isGeomProperty()) throw new CqlError(`S_INTERSECTS compares the "${GEOMETRY_QUERYABLE}" property with a geometry literal`);
      this.i++;
    }
    this.expect(')');
    return { op: 'intersects', wkt, srid: this.crs.srid };
  }

  private isGeomProperty(): boolean {
    const t = this.peek();
    return !!t && (t.t === 'id' || t.t === 'qid') && t.v === GEOMETRY_QUERYABLE;
  }

  private num(): number {
    const t = this.next('a coordinate');
    if (t.t !== 'num') throw new CqlError(`expected a number at position ${t.at + 1}, got "${t.v}"`);
    const n = Number(t.v);
    if (!Number.isFinite(n)) throw new CqlError(`coordinate "${t.v}" is out of range`);
    return n;
  }

  /** One position, written back in x/y order (the filter CRS may put northing/latitude first). */
  private position(): number[] {
    const a = this.num();
    const b = this.num();
    if (++this.coords > MAX_COORDS) throw new CqlError(`more than ${MAX_COORDS} coordinates`);
    return this.crs.northFirst ? [b, a] : [a, b];
  }

  /** '(' (position | nested) (',' …)* ')' */
  private list(depth: number): Nested {
    if (depth > 4) throw new CqlError('geometry nested too deeply');
    this.expect('(');
    const items: Nested[] = [];
    const nested = this.peek()?.v === '(';
    do {
      items.push(nested ? this.list(depth + 1) : this.position());
    } while (this.peek()?.v === ',' && (this.i++, true));
    this.expect(')');
    return items as Nested;
  }

  private spatialLiteral(): string {
    const t = this.next('a geometry (WKT or BBOX)');
    const kw = t.t === 'id' ? t.v.toUpperCase() : '';
    if (kw === 'BBOX') {
      this.expect('(');
      const v = [this.num()];
      for (let k = 0; k < 3; k++) {
        this.expect(',');
        v.push(this.num());
      }
      this.expect(')');
      // BBOX(lower corner, upper corner) in the filter CRS's axis order.
      const [x1, y1, x2, y2] = this.crs.northFirst ? [v[1], v[0], v[3], v[2]] : v;
      if (x1 > x2 || y1 > y2) throw new CqlError('BBOX lower corner must not exceed its upper corner');
      return `POLYGON((${x1} ${y1},${x2} ${y1},${x2} ${y2},${x1} ${y2},${x1} ${y1}))`;
    }
    const depths = WKT_DEPTH[kw];
    if (!depths) throw new CqlError(`expected POINT, LINESTRING, POLYGON, MULTI… or BBOX at position ${t.at + 1}, got "${t.v}"`);
    const body = this.list(1);
    const depth = nestingDepth(body);
    if (!depths.includes(depth)) throw new CqlError(`${kw} has the wrong number of parentheses`);
    if (kw === 'POINT' && body.length !== 1) throw new CqlError('POINT takes one position');
    return kw + wktBody(body);
  }
}

function nestingDepth(n: Nested): number {
  return typeof n[0] === 'number' ? 0 : 1 + Math.max(...(n as Nested[]).map(nestingDepth));
}

function wktBody(n: Nested): string {
  if (typeof n[0] === 'number') return (n as number[]).join(' ');
  const inner = (n as Nested[]).map(wktBody).join(',');
  return `(${inner})`;
}

export function parseCql2(text: string, opts: { properties: ReadonlySet<string>; crs: OgcCrs }): CqlNode {
  if (text.length > MAX_LENGTH) throw new CqlError(`longer than ${MAX_LENGTH} characters`);
  if (!text.trim()) throw new CqlError('is empty');
  const props = new Set([...opts.properties].filter((p) => p !== GEOMETRY_QUERYABLE));
  return new Parser(tokenize(text), props, opts.crs).parse();
}

/** Every spatial literal in a tree, to validate them in PostGIS before the query runs. */
export function spatialLiterals(n: CqlNode): { wkt: string; srid: number }[] {
  switch (n.op) {
    case 'and':
    case 'or':
      return n.args.flatMap(spatialLiterals);
    case 'not':
      return spatialLiterals(n.arg);
    case 'intersects':
      return [{ wkt: n.wkt, srid: n.srid }];
    default:
      return [];
  }
}
