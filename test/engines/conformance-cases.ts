/**
 * Cross-engine conformance cases: each is a query, spelled through the Dialect where engines
 * differ, and the rows every engine must return, in canonical values (see Value in types.ts).
 * conformance.test.ts runs every case on DuckDB, Postgres and ClickHouse and requires the same
 * rows from each, equal to `expected`.
 *
 * Inputs come from tables loaded with Engine.bulkLoad (so loading is checked too) or from
 * `SELECT ... UNION ALL SELECT ...`: no VALUES lists, which ClickHouse 18.16 lacks.
 *
 * Left out on purpose: avg() of integers and decimals (Postgres answers numeric, DuckDB and
 * ClickHouse a double; cases cast to double instead) and sum() of bigints (Postgres answers
 * numeric; cases cast back to bigint).
 */
import type { BulkLoadColumn, ColumnType, Dialect, EngineKind, Row, TimeGrain } from '../../src/engines/types.js';
import { TIME_GRAINS } from '../../src/engines/types.js';

/** Renders the qualified name of a case table inside the run's own schema / database. */
export type TableRef = (name: string) => string;

export type CaseSql = string | ((dialect: Dialect, table: TableRef) => string);

export interface ConformanceTable {
  readonly name: string;
  readonly columns: readonly BulkLoadColumn[];
  readonly rows: readonly (readonly unknown[])[];
}

export interface ConformanceCase {
  readonly name: string;
  /** What the case pins down, in one sentence. */
  readonly purpose: string;
  /** One query for every engine, or one per engine where no Dialect method covers a spelling. */
  readonly sql: CaseSql | Readonly<Record<EngineKind, CaseSql>>;
  readonly expected: readonly Row[];
  /** Engines that cannot run the case, with the reason (reported as a skip, never a pass). */
  readonly unsupported?: Partial<Record<EngineKind, string>>;
}

// ---------------------------------------------------------------------------------------------
// Tables

const timestamp: ColumnType = { logical: 'timestamp' };
const timestamptz: ColumnType = { logical: 'timestamptz' };
const double: ColumnType = { logical: 'double' };
const bigint: ColumnType = { logical: 'bigint' };
const money: ColumnType = { logical: 'decimal', precision: 18, scale: 2 };

export const conformanceTables: readonly ConformanceTable[] = [
  {
    name: 'orders',
    columns: [
      { name: 'id', type: bigint },
      { name: 'customer', type: { logical: 'string' } },
      { name: 'quantity', type: { logical: 'integer' } },
      { name: 'amount', type: money },
      { name: 'price', type: double },
      { name: 'ordered_at', type: timestamp },
    ],
    rows: [
      [1, 'alice', 2, '10.50', 1.5, '2021-01-01 09:00:00'],
      [2, 'alice', 3, '20.25', 2.5, '2021-01-02 10:30:00'],
      [3, 'bob', null, '5.00', 0.5, '2021-01-03 11:00:00'],
      [4, 'bob', 5, '7.75', 4.5, '2021-01-04 12:00:00'],
      [5, 'carol', 1, '100.00', 8, '2021-02-01 00:00:00'],
      [6, null, 2, '1.10', 1, '2021-02-02 00:00:00'],
      [7, 'alice', 3, '0.05', 2, '2021-03-15 23:59:59'],
      [8, 'dave', null, null, 3, '2021-04-01 00:00:00'],
    ],
  },
  {
    name: 'events',
    columns: [
      { name: 'id', type: bigint },
      { name: 'happened_at', type: timestamp },
    ],
    rows: [
      [1, '2020-12-31 23:59:59'], // Thursday
      [2, '2021-01-01 13:45:30'], // Friday: its ISO week starts 2020-12-28
      [3, '2021-01-03 00:00:00'], // Sunday, still that week
      [4, '2021-01-04 08:09:10'], // Monday: a new week
      [5, '2021-05-17 08:09:10'], // Monday in Q2
      [6, '2021-11-30 23:00:00'], // Tuesday in Q4
    ],
  },
  {
    name: 'amounts',
    columns: [
      { name: 'id', type: bigint },
      { name: 'amount', type: money },
    ],
    rows: [
      [1, '0.10'],
      [2, '0.20'],
      [3, '0.30'],
      [4, '1234567890123456.78'],
      [5, '-0.05'],
      [6, '0.01'],
      [7, null],
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Spellings no Dialect method covers yet, answered for every engine.

/** String length in characters (code points), not bytes. */
const characterLength: Record<EngineKind, string> = { duckdb: 'length', postgres: 'char_length', clickhouse: 'lengthUTF8' };

const ts = (d: Dialect, text: string) => d.typedLiteral(text, timestamp);

/** Expected truncations of the events table, per row, in TIME_GRAINS order. */
const truncations: Record<number, readonly string[]> = {
  1: ['2020-12-31 23:59:59', '2020-12-31 23:59:00', '2020-12-31 23:00:00', '2020-12-31 00:00:00', '2020-12-28 00:00:00', '2020-12-01 00:00:00', '2020-10-01 00:00:00', '2020-01-01 00:00:00'],
  2: ['2021-01-01 13:45:30', '2021-01-01 13:45:00', '2021-01-01 13:00:00', '2021-01-01 00:00:00', '2020-12-28 00:00:00', '2021-01-01 00:00:00', '2021-01-01 00:00:00', '2021-01-01 00:00:00'],
  3: ['2021-01-03 00:00:00', '2021-01-03 00:00:00', '2021-01-03 00:00:00', '2021-01-03 00:00:00', '2020-12-28 00:00:00', '2021-01-01 00:00:00', '2021-01-01 00:00:00', '2021-01-01 00:00:00'],
  4: ['2021-01-04 08:09:10', '2021-01-04 08:09:00', '2021-01-04 08:00:00', '2021-01-04 00:00:00', '2021-01-04 00:00:00', '2021-01-01 00:00:00', '2021-01-01 00:00:00', '2021-01-01 00:00:00'],
  5: ['2021-05-17 08:09:10', '2021-05-17 08:09:00', '2021-05-17 08:00:00', '2021-05-17 00:00:00', '2021-05-17 00:00:00', '2021-05-01 00:00:00', '2021-04-01 00:00:00', '2021-01-01 00:00:00'],
  6: ['2021-11-30 23:00:00', '2021-11-30 23:00:00', '2021-11-30 23:00:00', '2021-11-30 00:00:00', '2021-11-29 00:00:00', '2021-11-01 00:00:00', '2021-10-01 00:00:00', '2021-01-01 00:00:00'],
};

const diffPairs: readonly { start: string; end: string; expected: Record<TimeGrain, number> }[] = [
  { start: '2020-12-31 23:59:59', end: '2021-01-01 00:00:00', expected: { second: 1, minute: 1, hour: 1, day: 1, week: 0, month: 1, quarter: 1, year: 1 } },
  { start: '2021-01-03 12:00:00', end: '2021-01-04 00:00:00', expected: { second: 43200, minute: 720, hour: 12, day: 1, week: 1, month: 0, quarter: 0, year: 0 } },
  { start: '2021-03-31 10:00:00', end: '2020-01-15 10:00:00', expected: { second: -38102400, minute: -635040, hour: -10584, day: -441, week: -63, month: -14, quarter: -4, year: -1 } },
];

const unicodeStrings: readonly [number, string, number][] = [
  [1, 'h\u00e9llo', 5], // precomposed é
  [2, 'e\u0301te', 4], // e + combining acute accent: two code points
  [3, '\u{1F986} duck', 6], // emoji outside the BMP
  [4, '日本語テキスト', 7],
  [5, '\u{1F469}\u200D\u{1F4BB}', 3], // a ZWJ sequence: one glyph, three code points
  [6, '', 0],
];

// ---------------------------------------------------------------------------------------------

export const conformanceCases: readonly ConformanceCase[] = [
  {
    name: 'aggregates grouped and ordered',
    purpose: 'count, count(column), count distinct, sum, min, max and avg per group, NULL group ordered last',
    // Aliases differ from column names: ClickHouse resolves an alias anywhere in the query.
    // count(DISTINCT) is coalesced: over a group of only NULLs ClickHouse 18.16 answers NULL
    // where DuckDB and Postgres answer 0 (SQL generators should do the same).
    sql: (d, t) => `
      SELECT customer, count(*) AS orders, count(quantity) AS counted, sum(quantity) AS total_quantity,
             coalesce(count(DISTINCT quantity), 0) AS distinct_quantities, min(amount) AS smallest, max(amount) AS largest,
             sum(amount) AS total, ${d.cast('avg(price)', double)} AS mean_price
      FROM ${t('orders')}
      GROUP BY customer
      ORDER BY customer NULLS LAST`,
    expected: [
      { customer: 'alice', orders: 3, counted: 3, total_quantity: 8, distinct_quantities: 2, smallest: '0.05', largest: '20.25', total: '30.80', mean_price: 2 },
      { customer: 'bob', orders: 2, counted: 1, total_quantity: 5, distinct_quantities: 1, smallest: '5.00', largest: '7.75', total: '12.75', mean_price: 2.5 },
      { customer: 'carol', orders: 1, counted: 1, total_quantity: 1, distinct_quantities: 1, smallest: '100.00', largest: '100.00', total: '100.00', mean_price: 8 },
      { customer: 'dave', orders: 1, counted: 0, total_quantity: null, distinct_quantities: 0, smallest: null, largest: null, total: null, mean_price: 3 },
      { customer: null, orders: 1, counted: 1, total_quantity: 2, distinct_quantities: 1, smallest: '1.10', largest: '1.10', total: '1.10', mean_price: 1 },
    ],
  },
  {
    name: 'aggregates over the whole table',
    purpose: 'aggregates without GROUP BY skip NULLs; min/max of timestamps',
    sql: (_d, t) => `
      SELECT count(*) AS orders, count(customer) AS with_customer, count(DISTINCT customer) AS customers,
             sum(amount) AS total, min(ordered_at) AS first_order, max(ordered_at) AS last_order
      FROM ${t('orders')}`,
    expected: [{ orders: 8, with_customer: 7, customers: 4, total: '144.65', first_order: '2021-01-01 09:00:00', last_order: '2021-04-01 00:00:00' }],
  },
  {
    name: 'dateTrunc at every grain',
    purpose: 'second through year, ISO weeks starting Monday across a year boundary, quarters',
    sql: (d, t) => `
      SELECT id, ${TIME_GRAINS.map((grain) => `${d.dateTrunc(grain, 'happened_at')} AS ${grain}_start`).join(', ')}
      FROM ${t('events')}
      ORDER BY id`,
    expected: Object.entries(truncations).map(([id, starts]) => ({
      id: Number(id),
      ...Object.fromEntries(TIME_GRAINS.map((grain, index) => [`${grain}_start`, starts[index]!])),
    })),
  },
  {
    name: 'grouping by ISO week',
    purpose: 'a week grain groups Friday 2021-01-01 and Sunday 2021-01-03 with Thursday 2020-12-31',
    sql: (d, t) => `
      SELECT ${d.dateTrunc('week', 'happened_at')} AS week_start, count(*) AS events
      FROM ${t('events')}
      GROUP BY ${d.dateTrunc('week', 'happened_at')}
      ORDER BY week_start`,
    expected: [
      { week_start: '2020-12-28 00:00:00', events: 3 },
      { week_start: '2021-01-04 00:00:00', events: 1 },
      { week_start: '2021-05-17 00:00:00', events: 1 },
      { week_start: '2021-11-29 00:00:00', events: 1 },
    ],
  },
  {
    name: 'dateTrunc of a date',
    purpose: 'truncating a DATE gives a timestamp at midnight on every engine',
    sql: (d) => `
      SELECT ${d.dateTrunc('month', d.typedLiteral('2021-05-17', { logical: 'date' }))} AS month_start,
             ${d.dateTrunc('week', d.typedLiteral('2021-01-01', { logical: 'date' }))} AS week_start,
             ${d.dateTrunc('quarter', d.typedLiteral('2021-12-31', { logical: 'date' }))} AS quarter_start`,
    expected: [{ month_start: '2021-05-01 00:00:00', week_start: '2020-12-28 00:00:00', quarter_start: '2021-10-01 00:00:00' }],
  },
  {
    name: 'NULLs first, coalesced and tested',
    purpose: 'explicit NULLS FIRST ordering, COALESCE, IS NULL',
    sql: (_d, t) => `
      SELECT id, quantity, coalesce(customer, '(none)') AS customer,
             CASE WHEN amount IS NULL THEN 'missing' ELSE 'present' END AS amount_state
      FROM ${t('orders')}
      ORDER BY quantity NULLS FIRST, id`,
    expected: [
      { id: 3, quantity: null, customer: 'bob', amount_state: 'present' },
      { id: 8, quantity: null, customer: 'dave', amount_state: 'missing' },
      { id: 5, quantity: 1, customer: 'carol', amount_state: 'present' },
      { id: 1, quantity: 2, customer: 'alice', amount_state: 'present' },
      { id: 6, quantity: 2, customer: '(none)', amount_state: 'present' },
      { id: 2, quantity: 3, customer: 'alice', amount_state: 'present' },
      { id: 7, quantity: 3, customer: 'alice', amount_state: 'present' },
      { id: 4, quantity: 5, customer: 'bob', amount_state: 'present' },
    ],
  },
  {
    name: 'NULLs last in descending order',
    purpose: 'DESC NULLS LAST puts the NULL decimal after every value',
    sql: (_d, t) => `SELECT id, amount FROM ${t('orders')} ORDER BY amount DESC NULLS LAST, id`,
    expected: [
      { id: 5, amount: '100.00' },
      { id: 2, amount: '20.25' },
      { id: 1, amount: '10.50' },
      { id: 4, amount: '7.75' },
      { id: 3, amount: '5.00' },
      { id: 6, amount: '1.10' },
      { id: 7, amount: '0.05' },
      { id: 8, amount: null },
    ],
  },
  {
    name: 'unicode strings',
    purpose: 'emoji, CJK, combining characters and ZWJ sequences survive, and length counts code points',
    sql: {
      duckdb: (d) => unicodeSql(d, characterLength.duckdb),
      postgres: (d) => unicodeSql(d, characterLength.postgres),
      clickhouse: (d) => unicodeSql(d, characterLength.clickhouse),
    },
    expected: unicodeStrings.map(([id, text, characters]) => ({ id, text, characters, shouted: `${text}!` })),
  },
  {
    name: 'exact decimal sums',
    purpose: 'sum of decimal(18,2) beyond double precision is exact, at the column scale',
    sql: (_d, t) => `SELECT sum(amount) AS total, min(amount) AS smallest, max(amount) AS largest, count(amount) AS counted FROM ${t('amounts')}`,
    expected: [{ total: '1234567890123457.34', smallest: '-0.05', largest: '1234567890123456.78', counted: 6 }],
  },
  {
    name: 'decimal literals keep their scale',
    purpose: 'numeric(10,2) 5 reads back as "5.00"; negative and zero values in plain notation',
    sql: (d) => `
      SELECT ${d.typedLiteral(5, { logical: 'decimal', precision: 10, scale: 2 })} AS five,
             ${d.typedLiteral('-0.5', { logical: 'decimal', precision: 10, scale: 3 })} AS negative_half,
             ${d.typedLiteral(0, { logical: 'decimal', precision: 10, scale: 4 })} AS zero,
             ${d.typedLiteral('123456789012.345678', { logical: 'decimal', precision: 18, scale: 6 })} AS wide`,
    expected: [{ five: '5.00', negative_half: '-0.500', zero: '0.0000', wide: '123456789012.345678' }],
  },
  {
    name: 'timestamps keep microseconds',
    purpose: 'fractions are kept to the microsecond and trailing zeros trimmed',
    sql: (d) => `
      SELECT ${ts(d, '2021-03-04 05:06:07.123456')} AS micro, ${ts(d, '2021-03-04 05:06:07.5')} AS half,
             ${ts(d, '2021-03-04 05:06:07.000001')} AS tiny, ${ts(d, '2021-03-04 05:06:07')} AS whole`,
    expected: [{ micro: '2021-03-04 05:06:07.123456', half: '2021-03-04 05:06:07.5', tiny: '2021-03-04 05:06:07.000001', whole: '2021-03-04 05:06:07' }],
    unsupported: { clickhouse: 'DateTime has whole seconds on 18.16 (DateTime64 arrived in 20.1)' },
  },
  {
    name: 'timestamptz converted to UTC',
    purpose: 'a timestamp with an offset is the same instant in UTC, also across a year boundary',
    sql: {
      duckdb: (d) => tzSql(d),
      postgres: (d) => tzSql(d),
      // ClickHouse 18.16 cannot CAST text with an offset; parseDateTimeBestEffort reads it.
      clickhouse: () => `SELECT parseDateTimeBestEffort('2021-06-01 12:00:00+02:00') AS summer, parseDateTimeBestEffort('2021-12-31 23:30:00-05:00') AS new_year`,
    },
    expected: [{ summer: '2021-06-01 10:00:00', new_year: '2022-01-01 04:30:00' }],
  },
  {
    name: 'timestamptz microseconds converted to UTC',
    purpose: 'offset conversion keeps the microseconds',
    sql: (d) => `SELECT ${d.cast(d.literal('2021-06-01 12:00:00.654321+05:30'), timestamptz)} AS at`,
    expected: [{ at: '2021-06-01 06:30:00.654321' }],
    unsupported: { clickhouse: 'DateTime has whole seconds on 18.16 (DateTime64 arrived in 20.1)' },
  },
  {
    name: 'large integers',
    purpose: 'integers past 2^53 come back as exact bigints; safe ones as numbers',
    sql: (d) => `
      SELECT ${d.typedLiteral(9007199254740993n, bigint)} AS beyond_double,
             ${d.typedLiteral(9223372036854775807n, bigint)} AS int64_max,
             ${d.typedLiteral(-9223372036854775807n, bigint)} AS near_int64_min,
             ${d.typedLiteral(9007199254740991, bigint)} AS max_safe,
             (SELECT ${d.cast('sum(x)', bigint)} FROM (SELECT ${d.typedLiteral(9007199254740992n, bigint)} AS x UNION ALL SELECT ${d.typedLiteral(1n, bigint)} AS x) AS parts) AS summed`,
    expected: [{ beyond_double: 9007199254740993n, int64_max: 9223372036854775807n, near_int64_min: -9223372036854775807n, max_safe: 9007199254740991, summed: 9007199254740993n }],
  },
  {
    name: 'addInterval at month ends',
    purpose: 'adding months clamps to the last day of a shorter month; other units carry over',
    sql: (d) => `
      SELECT ${d.addInterval(ts(d, '2021-01-31 10:00:00'), 1, 'month')} AS jan31_plus_month,
             ${d.addInterval(ts(d, '2020-02-29 00:00:00'), 1, 'year')} AS leap_day_plus_year,
             ${d.addInterval(ts(d, '2021-03-31 00:00:00'), -1, 'month')} AS mar31_minus_month,
             ${d.addInterval(ts(d, '2021-11-30 12:00:00'), 1, 'quarter')} AS nov30_plus_quarter,
             ${d.addInterval(ts(d, '2021-12-28 00:00:00'), 1, 'week')} AS plus_week,
             ${d.addInterval(ts(d, '2021-03-01 00:00:00'), -1, 'day')} AS minus_day,
             ${d.addInterval(ts(d, '2021-01-01 23:00:00'), 90, 'minute')} AS plus_90_minutes,
             ${d.addInterval(ts(d, '2021-12-31 23:59:59'), 1, 'second')} AS plus_second,
             ${d.addInterval(ts(d, '2021-01-01 00:00:00'), 25, 'hour')} AS plus_25_hours`,
    expected: [
      {
        jan31_plus_month: '2021-02-28 10:00:00',
        leap_day_plus_year: '2021-02-28 00:00:00',
        mar31_minus_month: '2021-02-28 00:00:00',
        nov30_plus_quarter: '2022-02-28 12:00:00',
        plus_week: '2022-01-04 00:00:00',
        minus_day: '2021-02-28 00:00:00',
        plus_90_minutes: '2021-01-02 00:30:00',
        plus_second: '2022-01-01 00:00:00',
        plus_25_hours: '2021-01-02 01:00:00',
      },
    ],
  },
  {
    name: 'dateDiff counts boundaries',
    purpose: 'every unit counts boundaries crossed (end - start); weeks start on Monday',
    sql: (d) =>
      `SELECT ${diffPairs
        .flatMap(({ start, end }, index) => TIME_GRAINS.map((grain) => `${d.dateDiff(grain, ts(d, start), ts(d, end))} AS ${grain}s_${index}`))
        .join(',\n       ')}`,
    expected: [Object.fromEntries(diffPairs.flatMap(({ expected }, index) => TIME_GRAINS.map((grain) => [`${grain}s_${index}`, expected[grain]])))],
  },
];

function unicodeSql(d: Dialect, lengthFunction: string): string {
  const inputs = unicodeStrings.map(([id, text]) => `SELECT ${id} AS id, ${d.literal(text)} AS text`).join(' UNION ALL ');
  return `SELECT id, text, ${lengthFunction}(text) AS characters, concat(text, '!') AS shouted FROM (${inputs}) AS inputs ORDER BY id`;
}

function tzSql(d: Dialect): string {
  return `SELECT ${d.cast(d.literal('2021-06-01 12:00:00+02:00'), timestamptz)} AS summer, ${d.cast(d.literal('2021-12-31 23:30:00-05:00'), timestamptz)} AS new_year`;
}

/**
 * describe() must agree on the logical types of loaded columns (native names differ by design).
 */
export const describeCase = {
  sql: (t: TableRef) => `SELECT id, customer, quantity, amount, price, ordered_at FROM ${t('orders')}`,
  expected: [
    { name: 'id', type: { logical: 'bigint' } },
    { name: 'customer', type: { logical: 'string' } },
    { name: 'quantity', type: { logical: 'integer' } },
    { name: 'amount', type: { logical: 'decimal', precision: 18, scale: 2 } },
    { name: 'price', type: { logical: 'double' } },
    { name: 'ordered_at', type: { logical: 'timestamp' } },
  ],
} as const;
