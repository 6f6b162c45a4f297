import { formatCents } from './money.js';
import { MS_PER_DAY, type Period } from './period.js';
import { deriveSeed, Random } from './random.js';
import { timeOfDayMs } from './seasonality.js';
import type { Subscription } from './subscriptions.js';
import type { User } from './users.js';
import type { Segment } from './vocabulary.js';

/** Add-on purchases (extra seats, credits, services) per paying account per month. */
const MONTHLY_ORDERS: Record<Segment, number> = { smb: 1.5, mid_market: 4, enterprise: 10 };
/** Orders a day are Binomial(TRIALS_PER_DAY, rate / TRIALS_PER_DAY): close to Poisson, without logarithms. */
const TRIALS_PER_DAY = 4;
const UNIT_PRICES_CENTS = [900, 1900, 4900, 9900, 19900, 49900];
const MAX_ITEMS: Record<Segment, number> = { smb: 3, mid_market: 8, enterprise: 25 };
const REFUND_SHARE = 0.045;
/** Orders this close to the end of the period may still be awaiting payment. */
const PENDING_WINDOW_MS = 3 * MS_PER_DAY;
const PENDING_SHARE = 0.6;

export interface OrderRowsInput {
  readonly seed: number;
  readonly period: Period;
  readonly subscriptions: readonly Subscription[];
  /** Users of each account (by account index), in creation order. */
  readonly usersByAccount: readonly (readonly User[])[];
}

/**
 * Orders come only from accounts that are paying on that day: on the whole days strictly between
 * conversion and churn (or the period end). The buyer is a user who had joined by then.
 * Yields rows in `ORDER_COLUMNS` order; ids follow the day-by-day generation, so they rise with time.
 */
export function* orderRows(input: OrderRowsInput): Generator<unknown[]> {
  const { period, subscriptions, usersByAccount } = input;
  const random = new Random(deriveSeed(input.seed, 'orders'));
  const paying = subscriptions.filter((s) => s.convertedAt !== null);
  let orderId = 0;
  for (let day = 0; day < period.days; day++) {
    const dayStart = period.dayStartMs(day);
    for (const subscription of paying) {
      const firstDay = period.dayOf(subscription.convertedAt!) + 1;
      const lastDay = period.dayOf(subscription.churnedAt ?? period.endMs) - 1;
      if (day < firstDay || day > lastDay) continue;
      const account = subscription.account;
      const chance = MONTHLY_ORDERS[account.segment] / 30 / TRIALS_PER_DAY;
      for (let trial = 0; trial < TRIALS_PER_DAY; trial++) {
        if (!random.chance(chance)) continue;
        const orderedAt = dayStart + timeOfDayMs(random, account.region, true);
        const users = usersByAccount[account.index]!;
        const joined = countJoinedBefore(users, dayStart);
        const buyer = users[random.int(0, joined - 1)]!;
        const itemCount = random.int(1, MAX_ITEMS[account.segment]);
        const amountCents = itemCount * random.pick(UNIT_PRICES_CENTS);
        const status =
          orderedAt >= period.endMs - PENDING_WINDOW_MS && random.chance(PENDING_SHARE)
            ? 'pending'
            : random.chance(REFUND_SHARE)
              ? 'refunded'
              : 'completed';
        orderId++;
        yield [
          orderId,
          account.accountId,
          buyer.userId,
          account.tenantId,
          period.formatTimestamp(orderedAt),
          formatCents(amountCents),
          account.currency,
          status,
          itemCount,
        ];
      }
    }
  }
}

/** Users are sorted by createdAt; the founder joins at sign-up, so at least one has joined on a paid day. */
function countJoinedBefore(users: readonly User[], ms: number): number {
  let low = 0;
  let high = users.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (users[mid]!.createdAt < ms) low = mid + 1;
    else high = mid;
  }
  return low;
}
