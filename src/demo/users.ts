import type { Account } from './accounts.js';
import { MS_PER_DAY, type Period } from './period.js';
import { cumulativeWeights, deriveSeed, Random } from './random.js';
import type { Subscription } from './subscriptions.js';
import { FIRST_NAMES, LAST_NAMES, REGION_COUNTRIES, REGIONS, ROLE_WEIGHTS, ROLES, type Segment } from './vocabulary.js';

/** Seats per account by segment, inclusive range. */
const USERS_PER_ACCOUNT: Record<Segment, readonly [number, number]> = {
  smb: [2, 9],
  mid_market: [8, 30],
  enterprise: [25, 90],
};
/** Users of live accounts who were deactivated at some point. */
const DEACTIVATED_SHARE = 0.05;
/** Users who sit in another region than their company (remote staff, subsidiaries). */
const FOREIGN_COUNTRY_SHARE = 0.1;
const ROLE_ACTIVITY: Record<(typeof ROLES)[number], number> = { admin: 1.3, member: 1, viewer: 0.45 };

export interface User {
  readonly userId: number;
  readonly account: Account;
  readonly email: string;
  readonly fullName: string;
  readonly country: string;
  readonly role: (typeof ROLES)[number];
  readonly createdAt: number;
  readonly isActive: boolean;
  /** First and last day (period day index, inclusive) the user produces product events; empty when from > until. */
  readonly activeFromDay: number;
  readonly activeUntilDay: number;
  /** Relative engagement: heavy-tailed, so a few power users produce much of the traffic. */
  readonly activity: number;
}

/**
 * Users of every account, ids in creation order. The first user of an account signs it up and is
 * its admin; the others join over its lifetime, mostly early. Users act only while the account's
 * subscription is alive (trial or paid), from the day after they join.
 */
export function generateUsers(seed: number, subscriptions: readonly Subscription[], period: Period): User[] {
  const random = new Random(deriveSeed(seed, 'users'));
  const roleCumulative = cumulativeWeights(ROLE_WEIGHTS);
  type Draft = Omit<User, 'userId'> & { draw: number };
  const drafts: Draft[] = [];
  for (const subscription of subscriptions) {
    const account = subscription.account;
    const [low, high] = USERS_PER_ACCOUNT[account.segment];
    const count = random.int(low, high);
    const aliveUntil = subscription.churnedAt ?? period.endMs;
    const emails = new Set<string>();
    for (let i = 0; i < count; i++) {
      const first = random.pick(FIRST_NAMES);
      const last = random.pick(LAST_NAMES);
      const isFounder = i === 0;
      // A product of two uniforms puts most joins early in the account's life.
      const joinOffset = isFounder ? 0 : 60_000 + Math.floor(random.float() * random.float() * (aliveUntil - account.createdAt - 120_000) / 1000) * 1000;
      const createdAt = account.createdAt + joinOffset;
      const role = isFounder ? 'admin' : random.pickWeighted(ROLES, roleCumulative);
      const region = random.chance(FOREIGN_COUNTRY_SHARE) ? random.pick(REGIONS) : account.region;
      const country = random.pick(REGION_COUNTRIES[region]);
      const deactivated = subscription.churnedAt === null && random.chance(DEACTIVATED_SHARE);
      const deactivatedAt = deactivated ? createdAt + Math.floor(random.float() * (period.endMs - createdAt)) : period.endMs;
      const activity = random.pareto(20) * ROLE_ACTIVITY[role];

      let email = `${emailPart(first)}.${emailPart(last)}@${account.domain}`;
      for (let n = 2; emails.has(email); n++) email = `${emailPart(first)}.${emailPart(last)}${n}@${account.domain}`;
      emails.add(email);

      drafts.push({
        draw: drafts.length,
        account,
        email,
        fullName: `${first} ${last}`,
        country,
        role,
        createdAt,
        isActive: subscription.churnedAt === null && !deactivated,
        activeFromDay: period.dayOf(createdAt) + 1,
        activeUntilDay: Math.floor((Math.min(aliveUntil, deactivatedAt) - period.startMs) / MS_PER_DAY) - 1,
        activity,
      });
    }
  }
  drafts.sort((a, b) => a.createdAt - b.createdAt || a.draw - b.draw);
  return drafts.map(({ draw: _draw, ...user }, index) => Object.freeze({ ...user, userId: index + 1 }));
}

/** Lower-case ASCII for the local part of an address: 'Müller' -> 'muller', "O'Brien" -> 'obrien'. */
function emailPart(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}
