import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvalidValueError,
  canonicalDateText,
  canonicalDecimalText,
  canonicalInteger,
  canonicalTimestampText,
  civilFromDays,
  daysFromCivil,
  formatDate,
  formatDecimal,
  formatTimestamp,
  parseDecimalText,
  parseTimestampText,
  toBoolean,
  toDecimalText,
  toEpochDays,
  toEpochMicros,
  toScaledDecimal,
} from '../../src/engines/values.js';

describe('canonical integers', () => {
  it('keeps safe integers as numbers and wider ones as bigints', () => {
    assert.equal(canonicalInteger(42n), 42);
    assert.equal(canonicalInteger(9007199254740991n), 9007199254740991);
    assert.equal(canonicalInteger(9007199254740992n), 9007199254740992n);
    assert.equal(canonicalInteger(-9007199254740992n), -9007199254740992n);
    assert.equal(canonicalInteger(9223372036854775807n), 9223372036854775807n);
  });
});

describe('calendar arithmetic', () => {
  it('round-trips days across eras, leap years and years before 100', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [2000, 2, 29],
      [1900, 3, 1],
      [2021, 1, 1],
      [1, 1, 1],
      [99, 12, 31],
      [-43, 3, 15],
      [9999, 12, 31],
    ] as const) {
      assert.deepEqual(civilFromDays(daysFromCivil(y, m, d)), { year: y, month: m, day: d });
    }
    assert.equal(daysFromCivil(1970, 1, 1), 0);
    assert.equal(daysFromCivil(2021, 1, 1), 18628);
  });

  it('formats dates and BC dates as Postgres does', () => {
    assert.equal(formatDate(18628), '2021-01-01');
    assert.equal(formatDate(daysFromCivil(5, 6, 7)), '0005-06-07');
    assert.equal(formatDate(daysFromCivil(0, 1, 1)), '0001-01-01 BC');
    assert.equal(canonicalDateText('0001-01-01 BC'), '0001-01-01 BC');
    assert.equal(canonicalDateText('infinity'), 'infinity');
  });
});

describe('timestamps', () => {
  it('trims trailing fraction zeros and drops a zero fraction', () => {
    assert.equal(formatTimestamp(0n), '1970-01-01 00:00:00');
    assert.equal(formatTimestamp(1_500_000n), '1970-01-01 00:00:01.5');
    assert.equal(formatTimestamp(123_456n), '1970-01-01 00:00:00.123456');
    assert.equal(formatTimestamp(-1n), '1969-12-31 23:59:59.999999');
  });

  it('parses text without losing microseconds', () => {
    assert.equal(parseTimestampText('2021-01-01 00:00:00.000001'), 1609459200000001n);
    assert.equal(parseTimestampText('2021-01-01T00:00:00.123456789'), 1609459200123456n);
    assert.equal(parseTimestampText('2021-01-01'), 1609459200000000n);
    assert.equal(parseTimestampText('2021-01-01 10:30'), 1609497000000000n);
    // Outside the fast path's exact-double range.
    assert.equal(formatTimestamp(parseTimestampText('9999-12-31 23:59:59.999999')), '9999-12-31 23:59:59.999999');
    assert.equal(formatTimestamp(parseTimestampText('0900-06-30 01:02:03.4')), '0900-06-30 01:02:03.4');
  });

  it('converts offsets to UTC', () => {
    assert.equal(canonicalTimestampText('2021-06-01 12:00:00+02'), '2021-06-01 10:00:00');
    assert.equal(canonicalTimestampText('2021-06-01 12:00:00.654321+05:30'), '2021-06-01 06:30:00.654321');
    assert.equal(canonicalTimestampText('2021-01-01T00:30:00-0800'), '2021-01-01 08:30:00');
    assert.equal(canonicalTimestampText('2021-01-01T00:30:00Z'), '2021-01-01 00:30:00');
    assert.equal(canonicalTimestampText('-infinity'), '-infinity');
  });

  it('rejects text that is not a timestamp', () => {
    assert.throws(() => parseTimestampText('yesterday'), InvalidValueError);
    assert.throws(() => parseTimestampText('2021-13-01 00:00:00'), InvalidValueError);
  });
});

describe('decimals', () => {
  it('formats scaled integers in plain notation with exactly the scale', () => {
    assert.equal(formatDecimal(500n, 2), '5.00');
    assert.equal(formatDecimal(-5n, 2), '-0.05');
    assert.equal(formatDecimal(123n, 0), '123');
    assert.equal(formatDecimal(123456789012345678901234567890n, 10), '12345678901234567890.1234567890');
  });

  it('parses plain and exponent text, rounding half away from zero', () => {
    assert.deepEqual(parseDecimalText('1.005', 2), { unscaled: 101n, scale: 2 });
    assert.deepEqual(parseDecimalText('-1.005', 2), { unscaled: -101n, scale: 2 });
    assert.deepEqual(parseDecimalText('1.5e3', 1), { unscaled: 15000n, scale: 1 });
    assert.deepEqual(parseDecimalText('12.340'), { unscaled: 12340n, scale: 3 });
    assert.equal(canonicalDecimalText('1e-7'), '0.0000001');
    assert.equal(canonicalDecimalText('5', 2), '5.00');
    assert.equal(canonicalDecimalText('NaN'), 'NaN');
    assert.equal(canonicalDecimalText('12345678901234567890.129', 2), '12345678901234567890.13');
  });

  it('coerces numbers through their shortest text so 0.1 stays 0.1', () => {
    assert.equal(toScaledDecimal(0.1, 2), 10n);
    assert.equal(toScaledDecimal(1.005, 2), 101n);
    assert.equal(toScaledDecimal(7n, 2), 700n);
    assert.equal(toDecimalText(0.1, 3), '0.100');
    assert.throws(() => toScaledDecimal('abc', 2), InvalidValueError);
    assert.throws(() => toScaledDecimal(Infinity, 2), InvalidValueError);
  });
});

describe('write coercions', () => {
  it('accepts the usual spellings of dates, timestamps and booleans', () => {
    assert.equal(toEpochDays('2021-01-01'), 18628);
    assert.equal(toEpochDays(new Date('2021-01-01T23:59:59Z')), 18628);
    assert.equal(toEpochMicros(new Date('2021-01-01T00:00:00.123Z')), 1609459200123000n);
    assert.equal(toEpochMicros('2021-01-01 01:00:00+01:00'), 1609459200000000n);
    assert.equal(toBoolean('t'), true);
    assert.equal(toBoolean(0), false);
    assert.throws(() => toBoolean('maybe'), InvalidValueError);
    assert.throws(() => toEpochDays('01/02/2021'), InvalidValueError);
  });
});
