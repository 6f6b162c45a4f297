import { StrataError } from '../core/errors.js';
import type { DemoOptions } from './types.js';

export const DEFAULT_DEMO_OPTIONS: Required<DemoOptions> = Object.freeze({
  seed: 42,
  scale: 1,
  start: '2025-01-01',
  end: '2026-06-30',
});

/** Scale 1000 would be a billion events: far beyond what one process should generate. */
const MAX_SCALE = 100;

/** Fill in defaults and reject values that cannot give a sensible dataset. Dates are checked by Period. */
export function resolveDemoOptions(options: DemoOptions = {}): Required<DemoOptions> {
  const resolved = {
    seed: options.seed ?? DEFAULT_DEMO_OPTIONS.seed,
    scale: options.scale ?? DEFAULT_DEMO_OPTIONS.scale,
    start: options.start ?? DEFAULT_DEMO_OPTIONS.start,
    end: options.end ?? DEFAULT_DEMO_OPTIONS.end,
  };
  if (!Number.isSafeInteger(resolved.seed)) {
    throw new StrataError('demo_option_invalid', `The demo seed must be an integer, got ${String(resolved.seed)}.`, {
      hint: 'For example --seed 42.',
    });
  }
  if (typeof resolved.scale !== 'number' || !Number.isFinite(resolved.scale) || resolved.scale <= 0 || resolved.scale > MAX_SCALE) {
    throw new StrataError('demo_option_invalid', `The demo scale must be a number above 0 and at most ${MAX_SCALE}, got ${String(resolved.scale)}.`, {
      hint: 'Scale 1 is about 1,000,000 product events; 0.01 gives a tiny dataset for tests.',
    });
  }
  return Object.freeze(resolved);
}
