// Domain errors: what went wrong, in the domain's words, with no idea of HTTP or the terminal.
// This module imports nothing, so any module may throw these without pulling in the server; the
// HTTP status is chosen only in server/errors.ts and the CLI's exit code only in cli/errors.ts
// (decision 0007). `code` is the stable, machine-readable name programs rely on ("import_rejected",
// "illegal_transition", …); `message` is for people: Chinese first, naming the file, feature,
// parameter or rule at fault, with units.

export type ErrorKind =
  | 'invalid' // the input is wrong: fix it and try again (400)
  | 'unauthenticated' // who is calling is not known (401)
  | 'forbidden' // known, but not allowed to (403)
  | 'not_found' // no such thing, or not visible to this caller (404)
  | 'conflict' // the state of the data forbids it now (409)
  | 'illegal_transition' // a workflow step that does not follow from the current state (409)
  | 'too_large' // over a size limit (413)
  | 'unsupported' // a kind of input the platform does not take (415)
  | 'rate_limited' // too many requests (429)
  | 'unavailable' // a dependency is not there right now (503)
  | 'timeout'; // out of time; the work was cancelled (504)

const DEFAULT_CODE: Record<ErrorKind, string> = {
  invalid: 'bad_request',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  not_found: 'not_found',
  conflict: 'conflict',
  illegal_transition: 'illegal_transition',
  too_large: 'payload_too_large',
  unsupported: 'unsupported_media_type',
  rate_limited: 'rate_limited',
  unavailable: 'unavailable',
  timeout: 'timeout',
};

export interface ErrorOptions {
  /** Stable machine-readable name; defaults to the kind's. */
  code?: string;
  /** Every problem found, when there are several (import checks, rule-set validation). */
  problems?: unknown[];
  cause?: unknown;
}

export class DomainError extends Error {
  readonly code: string;
  readonly problems?: unknown[];
  constructor(
    readonly kind: ErrorKind,
    message: string,
    o: ErrorOptions = {},
  ) {
    super(message, o.cause === undefined ? undefined : { cause: o.cause });
    this.name = new.target.name;
    this.code = o.code ?? DEFAULT_CODE[kind];
    if (o.problems?.length) this.problems = o.problems;
  }
}

/**
 * The base class of the errors of one kind. Each kind is still a class of its own (`class NotFound
 * extends ofKind('not_found') {}`), so `instanceof`, `name` and the type tell them apart.
 */
function ofKind(kind: ErrorKind) {
  return class extends DomainError {
    constructor(message: string, o?: ErrorOptions) {
      super(kind, message, o);
    }
  };
}

export class Invalid extends ofKind('invalid') {}
export class NotFound extends ofKind('not_found') {}
export class Conflict extends ofKind('conflict') {}
export class IllegalTransition extends ofKind('illegal_transition') {}
export class Forbidden extends ofKind('forbidden') {}
export class Unauthenticated extends ofKind('unauthenticated') {}
export class TooLarge extends ofKind('too_large') {}
export class Unsupported extends ofKind('unsupported') {}
export class Unavailable extends ofKind('unavailable') {}
export class Timeout extends ofKind('timeout') {}

export class RateLimited extends DomainError {
  constructor(
    message: string,
    /** Seconds to wait before trying again. */
    readonly retryAfter: number,
  ) {
    super('rate_limited', message);
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
