import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { generateDemoData, type DemoDataset, type DemoTable } from '../../src/demo/index.js';
import { isStrataError } from '../../src/core/errors.js';

type Row = readonly unknown[];

function table(dataset: DemoDataset, name: string): DemoTable {
  const found = dataset.tables.find((t) => t.name === name);
  assert.ok(found, `table ${name} exists`);
  return found;
}

/** Rows as objects keyed by column name, for readable assertions. */
function records(dataset: DemoDataset, name: string): Record<string, unknown>[] {
  const t = table(dataset, name);
  return [...t.rows()].map((row) => Object.fromEntries(t.columns.map((c, i) => [c.name, row[i]])));
}

function checksum(dataset: DemoDataset): string {
  const hash = createHash('sha256');
  for (const t of dataset.tables) {
    hash.update(`${t.name} ${JSON.stringify(t.columns)} ${t.rowCount}\n`);
    for (const row of t.rows()) hash.update(JSON.stringify(row) + '\n');
  }
  hash.update(JSON.stringify(dataset.documents));
  return hash.digest('hex');
}

function indexBy<T>(items: T[], key: (item: T) => unknown): Map<unknown, T> {
  return new Map(items.map((item) => [key(item), item]));
}

function assertUnique(values: unknown[], what: string): void {
  assert.equal(new Set(values).size, values.length, `${what} is unique`);
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,3})?$/;

function checkReferentialIntegrity(dataset: DemoDataset): void {
  const plans = records(dataset, 'plans');
  const accounts = records(dataset, 'accounts');
  const users = records(dataset, 'users');
  const subscriptions = records(dataset, 'subscriptions');
  const subscriptionEvents = records(dataset, 'subscription_events');
  const orders = records(dataset, 'orders');
  const events = records(dataset, 'events');
  const documents = records(dataset, 'support_documents');

  assertUnique(plans.map((p) => p.plan_id), 'plans.plan_id');
  assertUnique(accounts.map((a) => a.account_id), 'accounts.account_id');
  assertUnique(accounts.map((a) => a.tenant_id), 'accounts.tenant_id');
  assertUnique(users.map((u) => u.user_id), 'users.user_id');
  assertUnique(users.map((u) => u.email), 'users.email');
  assertUnique(subscriptions.map((s) => s.subscription_id), 'subscriptions.subscription_id');
  assertUnique(subscriptionEvents.map((e) => e.event_id), 'subscription_events.event_id');
  assertUnique(orders.map((o) => o.order_id), 'orders.order_id');
  assertUnique(events.map((e) => e.event_id), 'events.event_id');
  assertUnique(documents.map((d) => `${d.doc_id}#${d.version}`), 'support_documents (doc_id, version)');

  const accountById = indexBy(accounts, (a) => a.account_id);
  const userById = indexBy(users, (u) => u.user_id);
  const planIds = new Set(plans.map((p) => p.plan_id));
  const subscriptionById = indexBy(subscriptions, (s) => s.subscription_id);
  const subscriptionByAccount = indexBy(subscriptions, (s) => s.account_id);
  const tenantIds = new Set(accounts.map((a) => a.tenant_id));

  for (const user of users) {
    const account = accountById.get(user.account_id);
    assert.ok(account, `user ${user.user_id} has an account`);
    assert.equal(user.tenant_id, account.tenant_id);
    assert.ok(String(user.created_at) >= String(account.created_at), `user ${user.user_id} joins after sign-up`);
    assert.ok(String(user.email).endsWith('.example'));
  }
  assert.equal(subscriptionByAccount.size, accounts.length, 'one subscription per account');
  for (const s of subscriptions) {
    const account = accountById.get(s.account_id);
    assert.ok(account);
    assert.equal(s.tenant_id, account.tenant_id);
    assert.ok(planIds.has(s.plan_id));
    assert.ok(String(s.started_at) >= String(account.created_at));
  }
  for (const e of subscriptionEvents) {
    const s = subscriptionById.get(e.subscription_id);
    assert.ok(s, `subscription event ${e.event_id} has a subscription`);
    assert.equal(e.account_id, s.account_id);
    assert.equal(e.tenant_id, s.tenant_id);
  }
  for (const o of orders) {
    const user = userById.get(o.user_id);
    assert.ok(user && accountById.has(o.account_id), `order ${o.order_id} has a buyer and an account`);
    assert.equal(user.account_id, o.account_id, `order ${o.order_id}: the buyer belongs to the account`);
    assert.equal(o.tenant_id, user.tenant_id);
    assert.ok(String(o.ordered_at) > String(user.created_at), `order ${o.order_id} after the buyer joined`);
    const s = subscriptionByAccount.get(o.account_id)!;
    assert.ok(s.converted_at !== null && String(o.ordered_at) > String(s.converted_at), `order ${o.order_id} while paid`);
    assert.ok(s.churned_at === null || String(o.ordered_at) < String(s.churned_at), `order ${o.order_id} before churn`);
  }
  assert.ok(orders.length > 0, 'some orders at this scale');
  for (const e of events) {
    const user = userById.get(e.user_id);
    assert.ok(user, `event ${e.event_id} has a user`);
    assert.equal(user.account_id, e.account_id, `event ${e.event_id}: the user belongs to the account`);
    assert.equal(e.tenant_id, user.tenant_id);
    assert.ok(String(e.occurred_at) > String(user.created_at), `event ${e.event_id} after the user joined`);
    const s = subscriptionByAccount.get(e.account_id)!;
    assert.ok(String(e.occurred_at) > String(s.started_at));
    assert.ok(s.churned_at === null || String(e.occurred_at) < String(s.churned_at), `event ${e.event_id} while subscribed`);
  }
  for (const d of documents) {
    assert.ok(d.tenant_id === null || tenantIds.has(d.tenant_id), `document ${d.doc_id} tenant exists`);
  }
}

describe('generateDemoData', () => {
  it('is deterministic: the same seed and scale give identical data, another seed does not', () => {
    const first = checksum(generateDemoData({ seed: 7, scale: 0.01 }));
    const second = checksum(generateDemoData({ seed: 7, scale: 0.01 }));
    const other = checksum(generateDemoData({ seed: 8, scale: 0.01 }));
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.equal(second, first);
    assert.notEqual(other, first);
  });

  it('regenerates lazy tables identically on every rows() call', () => {
    const events = table(generateDemoData({ scale: 0.01 }), 'events');
    const once = [...events.rows()];
    const twice = [...events.rows()];
    assert.equal(once.length, events.rowCount);
    assert.deepEqual(twice, once);
  });

  it('fills in the documented defaults', () => {
    const dataset = generateDemoData({ scale: 0.01 });
    assert.deepEqual(dataset.options, { seed: 42, scale: 0.01, start: '2025-01-01', end: '2026-06-30' });
    assert.deepEqual(
      dataset.tables.map((t) => t.name),
      ['plans', 'accounts', 'users', 'subscriptions', 'subscription_events', 'orders', 'events', 'support_documents'],
    );
  });

  it('yields rows matching the declared columns, with canonical values', () => {
    const dataset = generateDemoData({ scale: 0.01 });
    for (const t of dataset.tables) {
      let count = 0;
      for (const row of t.rows()) {
        count++;
        assert.equal(row.length, t.columns.length, `${t.name} row width`);
        t.columns.forEach((column, i) => {
          const value = row[i];
          if (value === null) return;
          const where = `${t.name}.${column.name} = ${JSON.stringify(value)}`;
          switch (column.type.logical) {
            case 'integer':
            case 'bigint':
              assert.ok(Number.isSafeInteger(value), where);
              break;
            case 'decimal':
              assert.match(String(value), new RegExp(`^-?\\d+\\.\\d{${column.type.scale}}$`), where);
              break;
            case 'timestamp':
              assert.match(String(value), TIMESTAMP, where);
              assert.ok(!/\.\d*0$/.test(String(value)), `${where} has no trailing zeros`);
              break;
            case 'boolean':
              assert.equal(typeof value, 'boolean', where);
              break;
            case 'json':
              assert.equal(typeof JSON.parse(String(value)), 'object', where);
              break;
            default:
              assert.equal(typeof value, 'string', where);
          }
        });
      }
      assert.equal(count, t.rowCount, `${t.name} rowCount is exact`);
    }
  });

  for (const seed of [3, 2024]) {
    it(`keeps every key referentially consistent (seed ${seed})`, () => {
      checkReferentialIntegrity(generateDemoData({ seed, scale: 0.02 }));
    });
  }

  it('tells each subscription story consistently, so MRR can be rebuilt from its events', () => {
    const dataset = generateDemoData({ seed: 5, scale: 0.1 });
    const subscriptions = records(dataset, 'subscriptions');
    const events = records(dataset, 'subscription_events');
    const plans = indexBy(records(dataset, 'plans'), (p) => p.plan_id);
    const bySubscription = new Map<unknown, Record<string, unknown>[]>();
    for (const e of events) bySubscription.set(e.subscription_id, [...(bySubscription.get(e.subscription_id) ?? []), e]);

    for (const s of subscriptions) {
      const history = bySubscription.get(s.subscription_id) ?? [];
      const types = history.map((e) => e.event_type);
      const cents = history.reduce((sum, e) => sum + Math.round(Number(e.mrr_delta) * 100), 0);
      assert.equal(cents, Math.round(Number(s.mrr) * 100), `subscription ${s.subscription_id}: MRR is the sum of deltas`);
      assert.equal(types[0], 'trial_started');
      assert.equal(history[0]!.occurred_at, s.started_at);
      const sorted = history.map((e) => String(e.occurred_at));
      assert.deepEqual(sorted, [...sorted].sort(), 'events in time order');
      switch (s.status) {
        case 'trial':
          assert.deepEqual(types, ['trial_started']);
          assert.equal(s.converted_at, null);
          assert.equal(s.mrr, '0.00');
          break;
        case 'paid':
          assert.equal(types[1], 'converted');
          assert.equal(history[1]!.occurred_at, s.converted_at);
          assert.ok(!types.includes('churned'));
          assert.ok(Number(s.mrr) >= Number(plans.get(s.plan_id)!.monthly_price) && Number(s.mrr) > 0);
          break;
        case 'churned':
          assert.equal(types.at(-1), 'churned');
          assert.equal(history.at(-1)!.occurred_at, s.churned_at);
          assert.equal(s.mrr, '0.00');
          // A lost trial churns when it runs out; a paid subscription churns after converting.
          if (s.converted_at === null) assert.equal(s.churned_at, s.trial_ends_at);
          else assert.ok(String(s.churned_at) > String(s.converted_at));
          break;
        default:
          assert.fail(`unexpected status ${String(s.status)}`);
      }
    }
    // Events are numbered in time order.
    const times = events.map((e) => String(e.occurred_at));
    assert.deepEqual(times, [...times].sort());
  });

  it('keeps document versions ordered, with one latest version per document', () => {
    const dataset = generateDemoData({ seed: 9, scale: 0.01 });
    const byDoc = new Map<string, typeof dataset.documents[number][]>();
    for (const doc of dataset.documents) byDoc.set(doc.docId, [...(byDoc.get(doc.docId) ?? []), doc]);
    assert.ok(byDoc.size >= 50, `at least 50 documents at a tiny scale (got ${byDoc.size})`);
    assert.ok([...byDoc.values()].some((versions) => versions.length > 1), 'some documents were edited');
    assert.ok(dataset.documents.some((d) => d.deletedAt !== null), 'some documents were deleted');
    assert.ok(dataset.documents.some((d) => d.tenantId === null) && dataset.documents.some((d) => d.tenantId !== null));
    for (const [docId, versions] of byDoc) {
      assert.deepEqual(versions.map((v) => v.version), versions.map((_, i) => i + 1), `${docId} versions 1..n`);
      assert.deepEqual(versions.map((v) => v.isLatest), versions.map((_, i) => i === versions.length - 1));
      for (let i = 1; i < versions.length; i++) assert.ok(versions[i]!.updatedAt > versions[i - 1]!.updatedAt);
      for (const v of versions.slice(0, -1)) assert.equal(v.deletedAt, null);
      const latest = versions.at(-1)!;
      if (latest.deletedAt !== null) assert.ok(latest.deletedAt > latest.updatedAt);
      assert.ok(new Set(versions.map((v) => v.tenantId)).size === 1 && new Set(versions.map((v) => v.title)).size === 1);
    }
    const body = dataset.documents[0]!.body;
    assert.match(body, /^# .+\n/);
    assert.match(body, /\n## .+\n/);
    assert.match(body, /\n- .+\n/);
    assert.match(body, /\n1\. .+\n/);
    assert.match(body, /\n```\w+\n[\s\S]+?\n```\n/);
    // The table mirrors the documents list.
    const rows = [...table(dataset, 'support_documents').rows()];
    assert.deepEqual(
      rows.map((r) => [r[0], r[2], r[8]]),
      dataset.documents.map((d) => [d.docId, d.version, d.isLatest]),
    );
  });

  it('puts every timestamp inside the anchor period (trial ends may be scheduled up to 14 days past it)', () => {
    const dataset = generateDemoData({ seed: 11, scale: 0.02, start: '2025-03-01', end: '2025-08-31' });
    const from = '2025-03-01 00:00:00';
    const until = '2025-09-01 00:00:00';
    let checked = 0;
    for (const t of dataset.tables) {
      const columns = t.columns.flatMap((c, i) => (c.type.logical === 'timestamp' ? [[c.name, i] as const] : []));
      for (const row of t.rows()) {
        for (const [name, i] of columns) {
          const value = row[i];
          if (value === null) continue;
          checked++;
          const where = `${t.name}.${name} = ${String(value)}`;
          assert.ok(String(value) >= from, `${where} is not before the period`);
          const limit = name === 'trial_ends_at' ? '2025-09-15 00:00:00' : until;
          assert.ok(String(value) < limit, `${where} is not after the period`);
        }
      }
    }
    assert.ok(checked > 20_000);
  });

  it('produces realistic proportions', () => {
    // 1,000 accounts: enough for the rates to settle; events are not iterated here.
    const dataset = generateDemoData({ seed: 42, scale: 0.5 });
    const subscriptions = records(dataset, 'subscriptions');
    const converted = subscriptions.filter((s) => s.converted_at !== null).length;
    const lostTrials = subscriptions.filter((s) => s.converted_at === null && s.churned_at !== null).length;
    const conversion = converted / (converted + lostTrials);
    // Documented band (README): trial -> paid conversion between 15% and 40%.
    assert.ok(conversion > 0.15 && conversion < 0.4, `conversion ${conversion}`);
    const paidChurned = subscriptions.filter((s) => s.converted_at !== null && s.churned_at !== null).length;
    assert.ok(paidChurned > 0 && paidChurned / converted < 0.5, `paid churn ${paidChurned}/${converted}`);
    const statuses = new Set(subscriptions.map((s) => s.status));
    assert.deepEqual([...statuses].sort(), ['churned', 'paid', 'trial']);

    const accounts = records(dataset, 'accounts');
    const share = (value: string) => accounts.filter((a) => a.region === value).length / accounts.length;
    assert.ok(share('NA') > share('EU') && share('EU') > share('APAC') && share('APAC') > share('LATAM'), 'skewed regions');
    const firstHalf = accounts.filter((a) => String(a.created_at) < '2025-10-01').length;
    assert.ok(firstHalf < accounts.length / 2, 'sign-ups grow over time');

    const orders = records(dataset, 'orders');
    const completed = orders.filter((o) => o.status === 'completed').length / orders.length;
    assert.ok(completed > 0.85 && completed < 0.99, `completed orders ${completed}`);
  });

  it('gives product events weekly seasonality and growth', () => {
    const events = table(generateDemoData({ seed: 42, scale: 0.05 }), 'events');
    const perWeekday = [0, 0, 0, 0, 0, 0, 0];
    let firstQuarter = 0;
    let lastQuarter = 0;
    for (const row of events.rows()) {
      const at = String(row[7]);
      perWeekday[new Date(`${at.slice(0, 10)}T00:00:00Z`).getUTCDay()]!++;
      if (at < '2025-04-01') firstQuarter++;
      if (at >= '2026-04-01') lastQuarter++;
    }
    const weekend = (perWeekday[0]! + perWeekday[6]!) / 2;
    const weekday = (perWeekday[1]! + perWeekday[2]! + perWeekday[3]! + perWeekday[4]!) / 4;
    assert.ok(weekend < weekday * 0.6, `weekend ${weekend} vs weekday ${weekday}`);
    assert.ok(lastQuarter > firstQuarter * 3, `growth ${firstQuarter} -> ${lastQuarter}`);
  });

  it('scales row counts roughly linearly', () => {
    const small = generateDemoData({ seed: 42, scale: 0.1 });
    const large = generateDemoData({ seed: 42, scale: 0.2 });
    const count = (d: DemoDataset, name: string) => table(d, name).rowCount;
    assert.equal(count(small, 'accounts'), 200);
    assert.equal(count(large, 'accounts'), 400);
    assert.equal(count(small, 'events'), 100_000);
    assert.equal(count(large, 'events'), 200_000);
    assert.equal(count(large, 'plans'), count(small, 'plans'));
    for (const name of ['users', 'subscriptions', 'subscription_events', 'orders']) {
      const ratio = count(large, name) / count(small, name);
      assert.ok(ratio > 1.5 && ratio < 2.6, `${name} grows ${ratio}x`);
    }
  });

  it('rejects options that cannot give a dataset', () => {
    const code = (options: Parameters<typeof generateDemoData>[0]) => {
      try {
        generateDemoData(options);
      } catch (error) {
        return isStrataError(error) ? error.code : `not a StrataError: ${String(error)}`;
      }
      return 'no error';
    };
    assert.equal(code({ scale: 0 }), 'demo_option_invalid');
    assert.equal(code({ scale: Number.NaN }), 'demo_option_invalid');
    assert.equal(code({ seed: 1.5 }), 'demo_option_invalid');
    assert.equal(code({ start: '2025-02-30' }), 'demo_option_invalid');
    assert.equal(code({ start: '2025-06-01', end: '2025-06-10' }), 'demo_option_invalid');
  });
});
