import type { BulkLoadColumn, ColumnType } from '../engines/types.js';

/** The demo's table layouts. Row arrays from generate.ts follow these column orders exactly. */

const integer: ColumnType = { logical: 'integer' };
const bigint: ColumnType = { logical: 'bigint' };
const string: ColumnType = { logical: 'string' };
const timestamp: ColumnType = { logical: 'timestamp' };
const boolean: ColumnType = { logical: 'boolean' };
const json: ColumnType = { logical: 'json' };
const money = (precision: number): ColumnType => ({ logical: 'decimal', precision, scale: 2 });

const columns = (entries: [string, ColumnType][]): readonly BulkLoadColumn[] =>
  Object.freeze(entries.map(([name, type]) => Object.freeze({ name, type })));

export const PLAN_COLUMNS = columns([
  ['plan_id', integer],
  ['name', string],
  ['tier', string],
  ['monthly_price', money(10)],
  ['seats_included', integer],
]);

export const ACCOUNT_COLUMNS = columns([
  ['account_id', integer],
  ['tenant_id', string],
  ['name', string],
  ['region', string],
  ['segment', string],
  ['industry', string],
  ['created_at', timestamp],
]);

export const USER_COLUMNS = columns([
  ['user_id', integer],
  ['account_id', integer],
  ['tenant_id', string],
  ['email', string],
  ['full_name', string],
  ['country', string],
  ['role', string],
  ['created_at', timestamp],
  ['is_active', boolean],
]);

export const SUBSCRIPTION_COLUMNS = columns([
  ['subscription_id', integer],
  ['account_id', integer],
  ['tenant_id', string],
  ['plan_id', integer],
  ['status', string],
  ['started_at', timestamp],
  ['trial_ends_at', timestamp],
  ['converted_at', timestamp],
  ['churned_at', timestamp],
  ['mrr', money(12)],
  ['currency', string],
]);

export const SUBSCRIPTION_EVENT_COLUMNS = columns([
  ['event_id', integer],
  ['subscription_id', integer],
  ['account_id', integer],
  ['tenant_id', string],
  ['event_type', string],
  ['occurred_at', timestamp],
  ['mrr_delta', money(12)],
]);

export const ORDER_COLUMNS = columns([
  ['order_id', integer],
  ['account_id', integer],
  ['user_id', integer],
  ['tenant_id', string],
  ['ordered_at', timestamp],
  ['amount', money(12)],
  ['currency', string],
  ['status', string],
  ['item_count', integer],
]);

export const EVENT_COLUMNS = columns([
  ['event_id', bigint],
  ['tenant_id', string],
  ['account_id', integer],
  ['user_id', integer],
  ['session_id', bigint],
  ['event_type', string],
  ['feature', string],
  ['occurred_at', timestamp],
  ['device', string],
  ['properties', json],
]);

export const SUPPORT_DOCUMENT_COLUMNS = columns([
  ['doc_id', string],
  ['tenant_id', string],
  ['version', integer],
  ['title', string],
  ['body', string],
  ['category', string],
  ['updated_at', timestamp],
  ['deleted_at', timestamp],
  ['is_latest', boolean],
]);
