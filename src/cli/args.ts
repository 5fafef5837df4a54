// A small argument parser: positionals, `--name value`, `--name=value` and boolean `--flag`.
import { UsageError } from './errors.ts';

export { UsageError };
export interface Args {
  _: string[];
  flags: Record<string, string | boolean>;
}

export function parseArgs(argv: string[], booleans: Set<string>): Args {
  const out: Args = { _: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (eq > 0) out.flags[name] = a.slice(eq + 1);
      else if (booleans.has(name)) out.flags[name] = true;
      else if (i + 1 < argv.length) out.flags[name] = argv[++i];
      else throw new UsageError(`--${name} needs a value`);
    } else {
      out._.push(a);
    }
  }
  return out;
}

export function str(a: Args, name: string): string | undefined {
  const v = a.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function int(a: Args, name: string): number | undefined {
  const v = str(a, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be a whole number, got "${v}"`);
  return n;
}

export function num(a: Args, name: string): number | undefined {
  const v = str(a, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${v}"`);
  return n;
}
