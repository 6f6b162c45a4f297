import { cumulativeWeights, deriveSeed, Random } from './random.js';
import { MS_PER_DAY, type Period } from './period.js';
import { timeOfDayMs } from './seasonality.js';
import {
  COMPANY_FIRST,
  COMPANY_SECOND,
  COMPANY_SUFFIX,
  INDUSTRIES,
  REGION_CURRENCY,
  REGION_WEIGHTS,
  REGIONS,
  type Region,
  SEGMENT_WEIGHTS,
  SEGMENTS,
  type Segment,
} from './vocabulary.js';

export const ACCOUNTS_PER_SCALE = 2000;
/** Below this the relationships (conversion, churn, orders) have too few accounts to show up. */
export const MIN_ACCOUNTS = 10;

/** A customer company; one tenant. */
export interface Account {
  /** Position in `accounts` (account_id - 1). */
  readonly index: number;
  readonly accountId: number;
  readonly tenantId: string;
  readonly name: string;
  /** Email domain of its users; under the reserved .example TLD. */
  readonly domain: string;
  readonly region: Region;
  readonly segment: Segment;
  readonly industry: string;
  readonly currency: string;
  readonly createdAt: number;
}

/**
 * Sign-ups grow through the period: the density of creation time t in [0, 1) is proportional to
 * (GROWTH_BASE + t), so the last month sees about 2.6 times the sign-ups of the first (in expectation).
 */
const GROWTH_BASE = 0.6;

export function generateAccounts(seed: number, scale: number, period: Period): Account[] {
  const random = new Random(deriveSeed(seed, 'accounts'));
  const count = Math.max(MIN_ACCOUNTS, Math.round(ACCOUNTS_PER_SCALE * scale));
  const regionCumulative = cumulativeWeights(REGION_WEIGHTS);
  const segmentCumulative = cumulativeWeights(SEGMENT_WEIGHTS);
  // The last two days are kept free so every subscription and first user starts inside the period.
  const signupDays = period.days - 2;

  const drafts = [];
  for (let i = 0; i < count; i++) {
    const u = random.float();
    // Inverse of the CDF (GROWTH_BASE t + t^2 / 2) / (GROWTH_BASE + 1/2).
    const t = -GROWTH_BASE + Math.sqrt(GROWTH_BASE * GROWTH_BASE + 2 * u * (GROWTH_BASE + 0.5));
    const day = Math.min(signupDays - 1, Math.floor(t * signupDays));
    const region = random.pickWeighted(REGIONS, regionCumulative);
    drafts.push({
      draw: i,
      region,
      segment: random.pickWeighted(SEGMENTS, segmentCumulative),
      industry: random.pick(INDUSTRIES),
      first: random.pick(COMPANY_FIRST),
      second: random.pick(COMPANY_SECOND),
      suffix: random.pick(COMPANY_SUFFIX),
      createdAt: period.startMs + day * MS_PER_DAY + timeOfDayMs(random, region, true),
    });
  }
  // Ids follow sign-up order, as a database sequence would hand them out.
  drafts.sort((a, b) => a.createdAt - b.createdAt || a.draw - b.draw);

  const width = Math.max(4, String(count).length);
  const nameUses = new Map<string, number>();
  return drafts.map((draft, index) => {
    const baseName = `${draft.first} ${draft.second}`;
    const uses = (nameUses.get(baseName) ?? 0) + 1;
    nameUses.set(baseName, uses);
    const slug = `${draft.first}${draft.second}`.toLowerCase();
    return Object.freeze({
      index,
      accountId: index + 1,
      tenantId: `t_${String(index + 1).padStart(width, '0')}`,
      name: uses === 1 ? `${baseName}${draft.suffix}` : `${baseName} ${uses}${draft.suffix}`,
      domain: uses === 1 ? `${slug}.example` : `${slug}${uses}.example`,
      region: draft.region,
      segment: draft.segment,
      industry: draft.industry,
      currency: REGION_CURRENCY[draft.region],
      createdAt: draft.createdAt,
    });
  });
}
