// Seeded randomness for the demo city. Everything the generator draws is a pure function of
// (seed, position, salt): the same seed gives byte-identical output whatever order layers are
// generated in, and a layer can be streamed cell by cell without keeping earlier draws around.

/** Sequential PRNG (mulberry32) for the few lists drawn in order (town positions, names). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 32-bit hash of a seed and up to four integers (murmur3-style mixing). */
export function hash32(seed: number, a: number, b = 0, c = 0, d = 0): number {
  let h = (seed ^ 0x9e3779b9) | 0;
  h = mix(h, a);
  h = mix(h, b);
  h = mix(h, c);
  h = mix(h, d);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mix(h: number, k: number): number {
  let x = Math.imul(k | 0, 0xcc9e2d51);
  x = (x << 15) | (x >>> 17);
  x = Math.imul(x, 0x1b873593);
  h ^= x;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Uniform draw in [0, 1) attached to a position: `rand(seed, salt, i, j)`. */
export function rand(seed: number, salt: number, a: number, b = 0, c = 0): number {
  return hash32(seed, salt, a, b, c) / 4294967296;
}

/** Picks an index from relative weights with a uniform draw u in [0, 1). */
export function pick(weights: readonly number[], u: number): number {
  let total = 0;
  for (const w of weights) total += w;
  let x = u * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  return weights.length - 1;
}

const smooth = (t: number) => t * t * (3 - 2 * t);

/**
 * Value noise in [-1, 1] over km coordinates: random values on a square lattice of `wavelength`
 * km, smoothly interpolated. `fbm` sums octaves for ragged natural boundaries.
 */
export class Noise {
  constructor(
    private readonly seed: number,
    private readonly salt: number,
    private readonly wavelength: number,
  ) {}

  value(x: number, y: number): number {
    const u = x / this.wavelength;
    const v = y / this.wavelength;
    const i = Math.floor(u);
    const j = Math.floor(v);
    const fu = smooth(u - i);
    const fv = smooth(v - j);
    const r00 = rand(this.seed, this.salt, i, j) * 2 - 1;
    const r10 = rand(this.seed, this.salt, i + 1, j) * 2 - 1;
    const r01 = rand(this.seed, this.salt, i, j + 1) * 2 - 1;
    const r11 = rand(this.seed, this.salt, i + 1, j + 1) * 2 - 1;
    const top = r00 + (r10 - r00) * fu;
    const bottom = r01 + (r11 - r01) * fu;
    return top + (bottom - top) * fv;
  }
}

/** Octaves of value noise at half wavelength and half amplitude each, normalised to about [-1, 1]. */
export class Fbm {
  private readonly layers: Noise[] = [];
  private readonly norm: number;

  constructor(seed: number, salt: number, wavelength: number, octaves = 3) {
    let norm = 0;
    for (let o = 0; o < octaves; o++) {
      this.layers.push(new Noise(seed, salt + o * 7919, wavelength / 2 ** o));
      norm += 1 / 2 ** o;
    }
    this.norm = norm;
  }

  value(x: number, y: number): number {
    let sum = 0;
    for (let o = 0; o < this.layers.length; o++) sum += this.layers[o].value(x, y) / 2 ** o;
    return sum / this.norm;
  }
}
