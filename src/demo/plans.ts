/** The price list. Prices are whole-currency list prices per licensed unit per month, in cents. */
export interface Plan {
  readonly planId: number;
  readonly name: string;
  readonly tier: 'free' | 'starter' | 'pro' | 'enterprise';
  readonly monthlyPriceCents: number;
  readonly seatsIncluded: number;
}

export const PLANS: readonly Plan[] = [
  { planId: 1, name: 'Free', tier: 'free', monthlyPriceCents: 0, seatsIncluded: 2 },
  { planId: 2, name: 'Starter', tier: 'starter', monthlyPriceCents: 2900, seatsIncluded: 3 },
  { planId: 3, name: 'Starter Plus', tier: 'starter', monthlyPriceCents: 5900, seatsIncluded: 5 },
  { planId: 4, name: 'Pro', tier: 'pro', monthlyPriceCents: 14900, seatsIncluded: 10 },
  { planId: 5, name: 'Pro Plus', tier: 'pro', monthlyPriceCents: 29900, seatsIncluded: 25 },
  { planId: 6, name: 'Enterprise', tier: 'enterprise', monthlyPriceCents: 149900, seatsIncluded: 100 },
];

/** Paid plans from cheapest to dearest: upgrades move right, downgrades left. */
export const PAID_PLAN_LADDER: readonly Plan[] = PLANS.filter((plan) => plan.monthlyPriceCents > 0);

export function planById(planId: number): Plan {
  const plan = PLANS.find((p) => p.planId === planId);
  if (!plan) throw new Error(`unknown demo plan ${planId}`);
  return plan;
}
