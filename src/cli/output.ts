import { ExitCode, isStrataError } from '../core/index.js';

/** JSON.stringify that keeps 64-bit integers exact (as JSON numbers) instead of throwing on bigint. */
export function toJson(value: unknown, indent = 2): string {
  const marker = '\u0000bigint:';
  const text = JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? `${marker}${item}` : item), indent);
  return text.replace(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}

/**
 * Reports an error the way every command does: one paragraph on stderr (or a JSON error object
 * with --json) and the documented exit code: 1 for user errors, 2 for internal ones.
 */
export function reportError(error: unknown, json: boolean): number {
  if (isStrataError(error)) {
    if (json) process.stdout.write(`${toJson({ error: error.toJSON() })}\n`);
    else process.stderr.write(`Error: ${error.format()}\n`);
    return ExitCode.userError;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (json) process.stdout.write(`${toJson({ error: { code: 'internal_error', message, details: {} } })}\n`);
  else {
    process.stderr.write(`Internal error: ${message}\nThis is a bug in Strata, not in your project. Set STRATA_DEBUG=1 to see the stack trace.\n`);
    if (process.env.STRATA_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  }
  return ExitCode.internalError;
}
