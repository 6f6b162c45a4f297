import { generateAccounts } from './accounts.js';
import { generateDocuments } from './documents.js';
import { EventPlan } from './events.js';
import { formatCents } from './money.js';
import { resolveDemoOptions } from './options.js';
import { orderRows, type OrderRowsInput } from './orders.js';
import { Period } from './period.js';
import { PLANS } from './plans.js';
import {
  ACCOUNT_COLUMNS,
  EVENT_COLUMNS,
  ORDER_COLUMNS,
  PLAN_COLUMNS,
  SUBSCRIPTION_COLUMNS,
  SUBSCRIPTION_EVENT_COLUMNS,
  SUPPORT_DOCUMENT_COLUMNS,
  USER_COLUMNS,
} from './schema.js';
import { generateSubscriptions } from './subscriptions.js';
import type { DemoDataset, DemoOptions, DemoTable } from './types.js';
import { generateUsers, type User } from './users.js';
import type { BulkLoadColumn } from '../engines/types.js';

/**
 * The synthetic SaaS company: plans, accounts, users, subscriptions and their lifecycle events,
 * orders, product events and support documents, all derived from (seed, scale, period).
 *
 * The small tables are built here at once (scale 1: a few tens of thousands of rows). Orders and
 * product events are produced lazily by `rows()`; only their row counts are worked out up front,
 * so a million events never sit in memory.
 */
export function generateDemoData(options?: DemoOptions): DemoDataset {
  const resolved = resolveDemoOptions(options);
  const { seed, scale } = resolved;
  const period = new Period(resolved.start, resolved.end);

  const accounts = generateAccounts(seed, scale, period);
  const subscriptions = generateSubscriptions(seed, accounts, period);
  const users = generateUsers(seed, subscriptions, period);
  const documents = generateDocuments(seed, scale, period, accounts);
  const time = (ms: number | null) => (ms === null ? null : period.formatTimestamp(ms));

  const usersByAccount: User[][] = accounts.map(() => []);
  for (const user of users) usersByAccount[user.account.index]!.push(user);

  const subscriptionEvents = subscriptions
    .flatMap((s) => s.events.map((event, sequence) => ({ subscription: s, event, sequence })))
    .sort((a, b) => a.event.occurredAt - b.event.occurredAt || a.subscription.subscriptionId - b.subscription.subscriptionId || a.sequence - b.sequence);

  const orderInput: OrderRowsInput = { seed, period, subscriptions, usersByAccount };
  let orderCount = 0;
  for (const _ of orderRows(orderInput)) orderCount++;

  const eventPlan = new EventPlan({
    seed,
    scale,
    period,
    users,
    isEnterpriseAccount: subscriptions.map((s) => s.plan.tier === 'enterprise'),
  });

  const tables: DemoTable[] = [
    eagerTable(
      'plans',
      PLAN_COLUMNS,
      PLANS.map((p) => [p.planId, p.name, p.tier, formatCents(p.monthlyPriceCents), p.seatsIncluded]),
    ),
    eagerTable(
      'accounts',
      ACCOUNT_COLUMNS,
      accounts.map((a) => [a.accountId, a.tenantId, a.name, a.region, a.segment, a.industry, time(a.createdAt)]),
    ),
    eagerTable(
      'users',
      USER_COLUMNS,
      users.map((u) => [u.userId, u.account.accountId, u.account.tenantId, u.email, u.fullName, u.country, u.role, time(u.createdAt), u.isActive]),
    ),
    eagerTable(
      'subscriptions',
      SUBSCRIPTION_COLUMNS,
      subscriptions.map((s) => [
        s.subscriptionId,
        s.account.accountId,
        s.account.tenantId,
        s.plan.planId,
        s.status,
        time(s.startedAt),
        // A trial still running at the end has its scheduled end after the period; that is a
        // plan, not an occurrence, and the only instant allowed past the end.
        formatScheduled(period, s.trialEndsAt),
        time(s.convertedAt),
        time(s.churnedAt),
        formatCents(s.mrrCents),
        s.account.currency,
      ]),
    ),
    eagerTable(
      'subscription_events',
      SUBSCRIPTION_EVENT_COLUMNS,
      subscriptionEvents.map(({ subscription, event }, index) => [
        index + 1,
        subscription.subscriptionId,
        subscription.account.accountId,
        subscription.account.tenantId,
        event.eventType,
        time(event.occurredAt),
        formatCents(event.mrrDeltaCents),
      ]),
    ),
    lazyTable('orders', ORDER_COLUMNS, orderCount, () => orderRows(orderInput)),
    lazyTable('events', EVENT_COLUMNS, eventPlan.total, () => eventPlan.rows()),
    eagerTable(
      'support_documents',
      SUPPORT_DOCUMENT_COLUMNS,
      documents.map((d) => [d.docId, d.tenantId, d.version, d.title, d.body, d.category, d.updatedAt, d.deletedAt, d.isLatest]),
    ),
  ];
  return Object.freeze({ options: resolved, tables: Object.freeze(tables), documents: Object.freeze(documents) });
}

function eagerTable(name: string, columns: readonly BulkLoadColumn[], rows: readonly (readonly unknown[])[]): DemoTable {
  const frozen = Object.freeze(rows.map((row) => Object.freeze(row)));
  return Object.freeze({ name, columns, rowCount: frozen.length, rows: () => frozen });
}

function lazyTable(name: string, columns: readonly BulkLoadColumn[], rowCount: number, rows: () => Iterable<readonly unknown[]>): DemoTable {
  return Object.freeze({ name, columns, rowCount, rows });
}

/** formatTimestamp covers the period only; a scheduled instant may lie up to a trial length beyond it. */
function formatScheduled(period: Period, ms: number): string {
  if (ms < period.endMs) return period.formatTimestamp(ms);
  const iso = new Date(ms).toISOString(); // 'YYYY-MM-DDTHH:MM:SS.sssZ', UTC by definition
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
