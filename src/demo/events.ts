import { MS_PER_DAY, type Period } from './period.js';
import { cumulativeWeights, deriveSeed, Random, searchCumulative } from './random.js';
import { dayActivityFactor, timeOfDayMs } from './seasonality.js';
import type { User } from './users.js';
import {
  API_ENDPOINTS,
  DEVICE_WEIGHTS,
  DEVICES,
  ENTERPRISE_FEATURES,
  EXPORT_FORMATS,
  FEATURE_ACTION_WEIGHTS,
  FEATURE_ACTIONS,
  FEATURE_WEIGHTS,
  FEATURES,
  LOGIN_METHODS,
  SETTINGS,
} from './vocabulary.js';

export const EVENTS_PER_SCALE = 1_000_000;

const EVENT_TYPES = ['page_view', 'feature_used', 'search', 'report_run', 'export', 'api_call', 'settings_changed', 'invite_sent'] as const;
const EVENT_TYPE_WEIGHTS = [0.42, 0.24, 0.08, 0.09, 0.04, 0.06, 0.03, 0.04];
const EXPORT_SOURCES = ['reports', 'dashboards', 'notebooks'] as const;
const REFERRERS = ['direct', 'direct', 'email', 'slack', 'search', 'docs'] as const;

/** A session is 1 + Geometric events (mean about 7), at most 40, 0.5-90 s apart: under an hour. */
const SESSION_STOP = 1 / 7;
const MAX_SESSION_EVENTS = 40;
const MIN_GAP_MS = 500;
const MAX_GAP_MS = 90_000;
const LOGIN_FIRST = 0.55;
const LOGOUT_LAST = 0.2;
const ENTERPRISE_SSO = 0.7;

const DEVICE_CUMULATIVE = cumulativeWeights(DEVICE_WEIGHTS);
const EVENT_TYPE_CUMULATIVE = cumulativeWeights(EVENT_TYPE_WEIGHTS);
const FEATURE_CUMULATIVE = cumulativeWeights(FEATURE_WEIGHTS);
const ACTION_CUMULATIVE = cumulativeWeights(FEATURE_ACTION_WEIGHTS);

export interface EventPlanInput {
  readonly seed: number;
  readonly scale: number;
  readonly period: Period;
  /** Sorted by createdAt, hence by activeFromDay. */
  readonly users: readonly User[];
  /** Whether each account (by index) is on the Enterprise plan, which unlocks SSO and the audit log. */
  readonly isEnterpriseAccount: readonly boolean[];
}

/**
 * Product events: how many fall on each day is fixed up front (so the row count is exact and
 * cheap), then `rows()` regenerates the same events lazily, one day at a time.
 *
 * A day's share is (weekday and month factor) x (sum of the activity of users alive that day):
 * growth comes from accounts signing up, dips from weekends, holidays and churn.
 */
export class EventPlan {
  readonly dailyCounts: Int32Array;
  readonly total: number;

  constructor(private readonly input: EventPlanInput) {
    const { period, users } = input;
    const activeActivity = new Float64Array(period.days + 1);
    for (const user of users) {
      if (user.activeFromDay > user.activeUntilDay) continue;
      activeActivity[user.activeFromDay]! += user.activity;
      activeActivity[user.activeUntilDay + 1]! -= user.activity;
    }
    const dayWeights = new Float64Array(period.days);
    let running = 0;
    let totalWeight = 0;
    for (let day = 0; day < period.days; day++) {
      running += activeActivity[day]!;
      // Adding and removing the same floats can leave dust instead of zero on an empty day;
      // any real user contributes at least 0.45 (a viewer), so 0.1 separates the two.
      const weight = running > 0.1 ? running * dayActivityFactor(period, day) : 0;
      dayWeights[day] = weight;
      totalWeight += weight;
    }
    const target = totalWeight > 0 ? Math.round(EVENTS_PER_SCALE * input.scale) : 0;
    this.dailyCounts = apportion(target, dayWeights, totalWeight);
    this.total = target;
  }

  /** Rows in EVENT_COLUMNS order. */
  *rows(): Generator<unknown[]> {
    const { period, users, isEnterpriseAccount } = this.input;
    const random = new Random(deriveSeed(this.input.seed, 'events'));
    const active: User[] = [];
    const cumulative = new Float64Array(users.length);
    const offsets = new Float64Array(MAX_SESSION_EVENTS);
    let nextUser = 0;
    let eventId = 0;
    let sessionId = 0;

    for (let day = 0; day < period.days; day++) {
      // Users are sorted by start day: admit today's newcomers, then drop those who stopped.
      while (nextUser < users.length && users[nextUser]!.activeFromDay <= day) {
        const user = users[nextUser++]!;
        if (user.activeUntilDay >= user.activeFromDay) active.push(user);
      }
      let kept = 0;
      let sum = 0;
      for (const user of active) {
        if (user.activeUntilDay < day) continue;
        active[kept] = user;
        sum += user.activity;
        cumulative[kept++] = sum;
      }
      active.length = kept;

      const dayStart = period.dayStartMs(day);
      let remaining = this.dailyCounts[day]!;
      while (remaining > 0) {
        const user = active[searchCumulative(cumulative, random.float() * sum, kept)]!;
        const account = user.account;
        const isEnterprise = isEnterpriseAccount[account.index]!;
        const length = Math.min(remaining, random.geometric(SESSION_STOP, MAX_SESSION_EVENTS));
        const device = random.pickWeighted(DEVICES, DEVICE_CUMULATIVE);
        sessionId++;
        offsets[0] = 0;
        for (let position = 1; position < length; position++) offsets[position] = offsets[position - 1]! + random.int(MIN_GAP_MS, MAX_GAP_MS);
        // A session that would run past midnight is moved to end just before it, so every event
        // stays on a day its user was active.
        const start = Math.min(timeOfDayMs(random, account.region, false), MS_PER_DAY - 1 - offsets[length - 1]!);
        for (let position = 0; position < length; position++) {
          const at = dayStart + start + offsets[position]!;
          let eventType: string;
          if (position === 0) eventType = random.chance(LOGIN_FIRST) ? 'login' : 'page_view';
          else if (position === length - 1 && length >= 3 && random.chance(LOGOUT_LAST)) eventType = 'logout';
          else eventType = random.pickWeighted(EVENT_TYPES, EVENT_TYPE_CUMULATIVE);
          if (eventType === 'invite_sent' && user.role === 'viewer') eventType = 'page_view';

          let feature: string | null = null;
          let properties: string;
          switch (eventType) {
            case 'login': {
              const method = isEnterprise && random.chance(ENTERPRISE_SSO) ? 'sso' : random.pick(LOGIN_METHODS);
              properties = `{"method":"${method}"}`;
              break;
            }
            case 'logout':
              properties = '{}';
              break;
            case 'page_view':
              feature = pickFeature(random, isEnterprise);
              properties = `{"path":"/${feature}/${random.int(1, 5000)}","duration_ms":${random.int(200, 120_000)},"referrer":"${random.pick(REFERRERS)}"}`;
              break;
            case 'feature_used':
              feature = pickFeature(random, isEnterprise);
              properties = `{"action":"${random.pickWeighted(FEATURE_ACTIONS, ACTION_CUMULATIVE)}","object_id":${random.int(1, 100_000)}}`;
              break;
            case 'search':
              properties = `{"query_length":${random.int(2, 60)},"results":${random.int(0, 250)}}`;
              break;
            case 'report_run':
              feature = 'reports';
              properties = `{"report_id":${random.int(1, 2000)},"duration_ms":${random.int(80, 30_000)},"rows":${random.int(0, 500_000)}}`;
              break;
            case 'export':
              feature = random.pick(EXPORT_SOURCES);
              properties = `{"format":"${random.pick(EXPORT_FORMATS)}","rows":${random.int(1, 1_000_000)}}`;
              break;
            case 'api_call': {
              feature = 'integrations';
              const r = random.float();
              const status = r < 0.95 ? 200 : r < 0.98 ? 429 : 500;
              properties = `{"endpoint":"${random.pick(API_ENDPOINTS)}","status":${status},"latency_ms":${random.int(5, 3000)}}`;
              break;
            }
            case 'settings_changed':
              properties = `{"setting":"${random.pick(SETTINGS)}"}`;
              break;
            default:
              properties = `{"invitee_role":"${random.chance(0.8) ? 'member' : 'viewer'}"}`;
          }
          eventId++;
          yield [
            eventId,
            account.tenantId,
            account.accountId,
            user.userId,
            sessionId,
            eventType,
            feature,
            period.formatTimestamp(at),
            device,
            properties,
          ];
        }
        remaining -= length;
      }
    }
  }
}

function pickFeature(random: Random, isEnterprise: boolean): string {
  const feature = random.pickWeighted(FEATURES, FEATURE_CUMULATIVE);
  return !isEnterprise && ENTERPRISE_FEATURES.has(feature) ? 'dashboards' : feature;
}

/** Split `total` over days in proportion to weights; largest remainders get the leftover units. */
function apportion(total: number, weights: Float64Array, weightSum: number): Int32Array {
  const counts = new Int32Array(weights.length);
  if (total === 0) return counts;
  const remainders: { day: number; fraction: number }[] = [];
  let assigned = 0;
  for (let day = 0; day < weights.length; day++) {
    const exact = (total * weights[day]!) / weightSum;
    counts[day] = Math.floor(exact);
    assigned += counts[day]!;
    if (weights[day]! > 0) remainders.push({ day, fraction: exact - counts[day]! });
  }
  remainders.sort((a, b) => b.fraction - a.fraction || a.day - b.day);
  for (let i = 0; assigned < total; i++, assigned++) counts[remainders[i % remainders.length]!.day]!++;
  return counts;
}
