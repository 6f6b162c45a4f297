import { closest, distance as levenshtein } from 'fastest-levenshtein';

/** Where in a user's file a problem is. Lines and columns are 1-based. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

export interface StrataErrorOptions {
  /** Where the problem is, when it comes from a file the user wrote. */
  readonly location?: SourceLocation;
  /** What would be valid instead, e.g. the nearest known key. */
  readonly hint?: string;
  /** Structured extra information, returned as-is in HTTP error bodies. */
  readonly details?: Record<string, unknown>;
  readonly cause?: unknown;
  /** HTTP status to answer with when this error ends a request. */
  readonly httpStatus?: number;
}

/**
 * A problem the user can fix: bad YAML, an unknown flag, an unreachable host.
 * Everything else (bugs) stays a plain Error and is reported as an internal error (exit code 2).
 * The code is stable and documented; tests match on it rather than on the message.
 */
export class StrataError extends Error {
  readonly code: string;
  readonly location?: SourceLocation;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;
  readonly httpStatus: number;

  constructor(code: string, message: string, options: StrataErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StrataError';
    this.code = code;
    this.location = options.location;
    this.hint = options.hint;
    this.details = options.details;
    this.httpStatus = options.httpStatus ?? 400;
  }

  /** One paragraph: "file:line:col: message. hint" */
  format(): string {
    const where = this.location ? `${formatLocation(this.location)}: ` : '';
    const hint = this.hint ? `\n  ${this.hint}` : '';
    return `${where}${this.message}${hint}`;
  }

  toJSON(): { code: string; message: string; details: Record<string, unknown> } {
    const details: Record<string, unknown> = { ...(this.details ?? {}) };
    if (this.location) details.location = this.location;
    if (this.hint) details.hint = this.hint;
    return { code: this.code, message: this.message, details };
  }
}

export function isStrataError(error: unknown): error is StrataError {
  return error instanceof StrataError;
}

export function formatLocation(location: SourceLocation): string {
  let text = location.file;
  if (location.line !== undefined) {
    text += `:${location.line}`;
    if (location.column !== undefined) text += `:${location.column}`;
  }
  return text;
}

/** "Did you mean 'x'?" when a close enough candidate exists, else undefined. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  if (list.length === 0) return undefined;
  const best = closest(name, list);
  const distance = levenshtein(name.toLowerCase(), best.toLowerCase());
  // Beyond about a third of the word, a suggestion is more confusing than helpful.
  return distance <= Math.max(2, Math.ceil(name.length / 3)) ? best : undefined;
}

/** A hint sentence naming the nearest candidate, or listing the valid ones when none is near. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const list = [...candidates];
  const best = suggest(name, list);
  if (best) return `Did you mean '${best}'?`;
  if (list.length === 0) return 'There are none defined.';
  const shown = list.slice(0, 12).map((c) => `'${c}'`).join(', ');
  return `Expected one of: ${shown}${list.length > 12 ? ', ...' : ''}.`;
}

/** Process exit codes, as documented in the README. */
export const ExitCode = { ok: 0, userError: 1, internalError: 2 } as const;
