import type { Account } from './accounts.js';
import { PAID_PLAN_LADDER, type Plan } from './plans.js';
import { MS_PER_DAY, type Period } from './period.js';
import { cumulativeWeights, deriveSeed, Random } from './random.js';
import type { Segment } from './vocabulary.js';

export const TRIAL_DAYS = 14;
const MONTH_MS = 30 * MS_PER_DAY;

/**
 * Lifecycle rates per segment, in the range public SaaS benchmarks report: opt-in trials convert
 * at 15-50%, SMB logos churn a few percent a month, enterprise logos well under one.
 */
const TRIAL_CONVERSION: Record<Segment, number> = { smb: 0.22, mid_market: 0.33, enterprise: 0.45 };
const MONTHLY_CHURN: Record<Segment, number> = { smb: 0.035, mid_market: 0.018, enterprise: 0.008 };
const MONTHLY_UPGRADE: Record<Segment, number> = { smb: 0.03, mid_market: 0.04, enterprise: 0.035 };
const MONTHLY_DOWNGRADE: Record<Segment, number> = { smb: 0.012, mid_market: 0.012, enterprise: 0.01 };
/** Share of converting trials that pay early rather than when the trial runs out. */
const EARLY_CONVERSION = 0.3;

/** Which paid plan (index into PAID_PLAN_LADDER) a trial evaluates, by segment. */
const PLAN_CHOICE: Record<Segment, Float64Array> = {
  smb: cumulativeWeights([0.55, 0.3, 0.15, 0, 0]),
  mid_market: cumulativeWeights([0, 0.15, 0.55, 0.3, 0]),
  enterprise: cumulativeWeights([0, 0, 0, 0.35, 0.65]),
};
const MAX_UNITS: Record<Segment, number> = { smb: 1, mid_market: 2, enterprise: 4 };
const LADDER_POSITIONS = PAID_PLAN_LADDER.map((_, i) => i);

export type SubscriptionStatus = 'trial' | 'paid' | 'churned';
export type SubscriptionEventType = 'trial_started' | 'converted' | 'upgraded' | 'downgraded' | 'churned';

export interface SubscriptionEvent {
  readonly eventType: SubscriptionEventType;
  readonly occurredAt: number;
  /** Change of MRR in cents; the sum over a subscription's events is its MRR at that time. */
  readonly mrrDeltaCents: number;
}

/**
 * One subscription per account, as it stands at the end of the period. A trial that ends without
 * paying is `churned` with `convertedAt` null; a paid subscription that cancels is `churned` with both.
 */
export interface Subscription {
  readonly subscriptionId: number;
  readonly account: Account;
  /** The plan at the end of the period (for trials and lost trials, the plan they evaluated). */
  readonly plan: Plan;
  /** Licensed units; MRR is the plan price times units while paid. */
  readonly units: number;
  readonly status: SubscriptionStatus;
  readonly startedAt: number;
  /** Scheduled end of the trial; later than the period end for trials still running then. */
  readonly trialEndsAt: number;
  readonly convertedAt: number | null;
  readonly churnedAt: number | null;
  /** MRR at the end of the period in cents: 0 unless paid. */
  readonly mrrCents: number;
  readonly events: readonly SubscriptionEvent[];
}

export function generateSubscriptions(seed: number, accounts: readonly Account[], period: Period): Subscription[] {
  const random = new Random(deriveSeed(seed, 'subscriptions'));
  return accounts.map((account) => {
    const segment = account.segment;
    let position = random.pickWeighted(LADDER_POSITIONS, PLAN_CHOICE[segment]);
    let units = random.int(1, MAX_UNITS[segment]);
    // Whole seconds: the trial starts within an hour of sign-up.
    const startedAt = account.createdAt + random.int(30, 3600) * 1000;
    const trialEndsAt = startedAt + TRIAL_DAYS * MS_PER_DAY;
    const events: SubscriptionEvent[] = [{ eventType: 'trial_started', occurredAt: startedAt, mrrDeltaCents: 0 }];

    const willConvert = random.chance(TRIAL_CONVERSION[segment]);
    const convertsEarly = random.chance(EARLY_CONVERSION);
    const earlyAt = startedAt + 2 * MS_PER_DAY + Math.floor(random.float() * (TRIAL_DAYS - 2) * 86400) * 1000;
    const convertAt = convertsEarly ? earlyAt : trialEndsAt;

    const finish = (status: SubscriptionStatus, convertedAt: number | null, churnedAt: number | null, mrrCents: number) =>
      Object.freeze({
        subscriptionId: account.accountId,
        account,
        plan: PAID_PLAN_LADDER[position]!,
        units,
        status,
        startedAt,
        trialEndsAt,
        convertedAt,
        churnedAt,
        mrrCents,
        events: Object.freeze(events),
      });

    if (!willConvert) {
      if (trialEndsAt >= period.endMs) return finish('trial', null, null, 0);
      events.push({ eventType: 'churned', occurredAt: trialEndsAt, mrrDeltaCents: 0 });
      return finish('churned', null, trialEndsAt, 0);
    }
    if (convertAt >= period.endMs) return finish('trial', null, null, 0);

    let mrr = PAID_PLAN_LADDER[position]!.monthlyPriceCents * units;
    events.push({ eventType: 'converted', occurredAt: convertAt, mrrDeltaCents: mrr });
    // Month by month after conversion, at most one change a month: churn, upgrade or downgrade.
    for (let monthStart = convertAt; ; monthStart += MONTH_MS) {
      const r = random.float();
      const at = monthStart + Math.floor(random.float() * 30 * 86400) * 1000 + 1000;
      if (at >= period.endMs) break;
      if (r < MONTHLY_CHURN[segment]) {
        events.push({ eventType: 'churned', occurredAt: at, mrrDeltaCents: -mrr });
        return finish('churned', convertAt, at, 0);
      }
      const isUpgrade = r < MONTHLY_CHURN[segment] + MONTHLY_UPGRADE[segment];
      const isDowngrade = !isUpgrade && r < MONTHLY_CHURN[segment] + MONTHLY_UPGRADE[segment] + MONTHLY_DOWNGRADE[segment];
      if (!isUpgrade && !isDowngrade) continue;
      // At the top of the ladder an upgrade buys more units; at the bottom a downgrade sheds one.
      if (isUpgrade) {
        if (position < PAID_PLAN_LADDER.length - 1) position++;
        else units++;
      } else if (position > 0) position--;
      else if (units > 1) units--;
      else continue;
      const next = PAID_PLAN_LADDER[position]!.monthlyPriceCents * units;
      events.push({ eventType: isUpgrade ? 'upgraded' : 'downgraded', occurredAt: at, mrrDeltaCents: next - mrr });
      mrr = next;
    }
    return finish('paid', convertAt, null, mrr);
  });
}
