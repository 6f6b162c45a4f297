import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

const TWO_POW_32 = 4294967296;

/**
 * A seeded random stream for the demo generator.
 *
 * Only IEEE-exact operations (+ - * / sqrt floor) turn random bits into values: Math.log, Math.exp
 * and Math.pow may round differently across platforms and V8 versions, and the dataset must be
 * byte-identical on every machine. Skewed distributions are therefore built from sqrt, products
 * of uniforms and Bernoulli loops instead of logarithms.
 */
export class Random {
  private readonly generator: RandomGenerator;

  constructor(seed: number) {
    this.generator = xoroshiro128plus(seed | 0);
  }

  /** A uniform float in [0, 1) with 32 bits of randomness; plenty for synthetic data. */
  float(): number {
    return (this.generator.next() + 2147483648) / TWO_POW_32;
  }

  /**
   * A uniform integer in [from, to], both included. Scaling a 32-bit float skews buckets by at
   * most (range / 2^32), invisible in synthetic data, and is cheaper than pure-rand's rejection
   * sampling in the event loop, which draws several integers per row.
   */
  int(from: number, to: number): number {
    return from + Math.floor(this.float() * (to - from + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** Pick from items by cumulative weights (see cumulativeWeights). */
  pickWeighted<T>(items: readonly T[], cumulative: Float64Array): T {
    return items[searchCumulative(cumulative, this.float() * cumulative[cumulative.length - 1]!)]!;
  }

  /** Trials until the first success, capped: 1 + Geometric(stop). Mean about 1/stop. */
  geometric(stop: number, max: number): number {
    let n = 1;
    while (n < max && this.float() >= stop) n++;
    return n;
  }

  /** A Pareto(alpha = 2) weight with minimum 1 and mean 2, capped; heavy-tailed without logs. */
  pareto(cap: number): number {
    const u = 1 - this.float(); // (0, 1]
    return Math.min(cap, 1 / Math.sqrt(u));
  }
}

/** Running sums of weights, for pickWeighted and searchCumulative. */
export function cumulativeWeights(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i]!;
    out[i] = sum;
  }
  return out;
}

/** The first index whose running sum exceeds target (binary search); `length` bounds the search. */
export function searchCumulative(cumulative: Float64Array, target: number, length = cumulative.length): number {
  let low = 0;
  let high = length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (cumulative[mid]! > target) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * An independent seed per named stream (table), so adding rows to one table never shifts the
 * values of another. A 32-bit FNV-1a over the name mixed with the user's seed (murmur3 finalizer).
 */
export function deriveSeed(seed: number, stream: string): number {
  let hash = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < stream.length; i++) {
    hash ^= stream.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= Math.floor(seed / TWO_POW_32) | 0; // seeds above 32 bits still matter
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash | 0;
}
