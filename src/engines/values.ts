/**
 * Canonical value helpers shared by every engine (see `Value` in types.ts for the rules).
 *
 * Reading: engines hand back integers, decimals, dates and timestamps in their own shapes
 * (bigint, scaled bigint, epoch days, epoch microseconds, or text). These functions turn each
 * into the one canonical JS value, so a row from DuckDB equals the same row from Postgres.
 *
 * Writing: bulk loads accept loosely typed input (Date, ISO strings, numbers, bigints) and
 * coerce it through the `to*` functions here, which throw `InvalidValueError` on bad input so
 * the engine can say which column and row was wrong.
 *
 * Everything is exact: timestamps travel as bigint microseconds (a JS Date would drop them) and
 * decimals as scaled bigints (a double would round them).
 */

const MICROS_PER_SECOND = 1_000_000n;
const MICROS_PER_DAY = 86_400_000_000n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** Bad input to a coercion; engines rethrow it as a StrataError naming the column and row. */
export class InvalidValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidValueError';
  }
}

// ---------------------------------------------------------------------------------------------
// Integers

/** An integer as a number when it is exactly representable, else as a bigint. */
export function canonicalInteger(value: bigint | number): number | bigint {
  if (typeof value === 'number') return value;
  return value <= MAX_SAFE && value >= MIN_SAFE ? Number(value) : value;
}

/** Integer text (as Postgres int8 or ClickHouse UInt64 arrive) to a canonical integer. */
export function parseIntegerText(text: string): number | bigint {
  return canonicalInteger(BigInt(text));
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, days since 1970-01-01), after Howard Hinnant's
// chrono algorithms; exact for any year, unlike Date.UTC which maps years 0-99 to 1900-1999.

export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** Year 0 and earlier are written as Postgres does: '0044-03-15 BC' is astronomical year -43. */
function formatYear(year: number): { text: string; era: string } {
  return year > 0 ? { text: pad(year, 4), era: '' } : { text: pad(1 - year, 4), era: ' BC' };
}

// ---------------------------------------------------------------------------------------------
// Dates

/** Epoch days to 'YYYY-MM-DD'. */
export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  const { text, era } = formatYear(year);
  return `${text}-${pad(month)}-${pad(day)}${era}`;
}

const DATE_TEXT = /^(\d{4,})-(\d{1,2})-(\d{1,2})(?:[ T].*)?( BC)?$/;

/** 'YYYY-MM-DD' (optionally followed by a time, which is ignored) to epoch days. */
export function parseDateText(text: string): number {
  if (text.length === 10) {
    // Fast path for the common 'YYYY-MM-DD' (bulk loads parse millions of these).
    const year = digitsAt(text, 0, 4);
    const month = digitsAt(text, 5, 2);
    const day = digitsAt(text, 8, 2);
    if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
      return daysFromCivil(year, month, day);
    }
  }
  const match = DATE_TEXT.exec(text.trim());
  if (!match) throw new InvalidValueError(`'${text}' is not a date (expected YYYY-MM-DD)`);
  let year = Number(match[1]);
  if (match[4] || text.trimEnd().endsWith(' BC')) year = 1 - year;
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) throw new InvalidValueError(`'${text}' is not a valid date`);
  return daysFromCivil(year, month, day);
}

/**
 * Date text as an engine returns it to canonical 'YYYY-MM-DD'. Infinite dates (Postgres
 * 'infinity', DuckDB's) keep their engine spelling lower-cased, as no calendar date fits.
 */
export function canonicalDateText(text: string): string {
  if (/^-?infinity$/i.test(text)) return text.toLowerCase();
  return formatDate(parseDateText(text));
}

// ---------------------------------------------------------------------------------------------
// Timestamps

/** Epoch microseconds to 'YYYY-MM-DD HH:MM:SS[.ffffff]' with trailing fraction zeros trimmed. */
export function formatTimestamp(micros: bigint): string {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    rest += MICROS_PER_DAY;
    days -= 1n;
  }
  const { year, month, day } = civilFromDays(Number(days));
  const { text, era } = formatYear(year);
  const seconds = Number(rest / MICROS_PER_SECOND);
  const fraction = Number(rest % MICROS_PER_SECOND);
  const hh = Math.floor(seconds / 3600);
  const mm = Math.floor((seconds % 3600) / 60);
  const ss = seconds % 60;
  const fractionText = fraction === 0 ? '' : '.' + pad(fraction, 6).replace(/0+$/, '');
  return `${text}-${pad(month)}-${pad(day)} ${pad(hh)}:${pad(mm)}:${pad(ss)}${fractionText}${era}`;
}

const TIMESTAMP_TEXT =
  /^(\d{4,})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?(\s+BC)?$/i;

/**
 * Timestamp text to epoch microseconds. Accepts 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM[:SS[.f]]',
 * an ISO 'T', and an optional offset ('Z', '+05', '+05:30', '-0800'); with an offset the result
 * is the UTC instant, without one the wall clock is taken as is. Digits past microseconds are
 * truncated, as Postgres and DuckDB store microseconds.
 */
export function parseTimestampText(text: string): bigint {
  const fast = parseTimestampFast(text);
  if (fast !== undefined) return fast;
  const match = TIMESTAMP_TEXT.exec(text.trim());
  if (!match) throw new InvalidValueError(`'${text}' is not a timestamp (expected YYYY-MM-DD HH:MM:SS[.ffffff])`);
  const [, y, mo, d, h, mi, s, f, offset, bc] = match;
  let year = Number(y);
  if (bc) year = 1 - year;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) {
    throw new InvalidValueError(`'${text}' is not a valid timestamp`);
  }
  const fraction = f ? BigInt((f + '000000').slice(0, 6)) : 0n;
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds(offset);
  return BigInt(seconds) * MICROS_PER_SECOND + fraction;
}

/** The value of `length` ASCII digits at `start`, or -1 when any is not a digit. */
function digitsAt(text: string, start: number, length: number): number {
  let value = 0;
  for (let index = start; index < start + length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * 'YYYY-MM-DD HH:MM:SS[.ffffff]' without an offset, parsed without a regex and (for years
 * 1685-2255, where microseconds fit a double exactly) with a single BigInt conversion.
 */
function parseTimestampFast(text: string): bigint | undefined {
  const length = text.length;
  if (length < 19 || length > 26 || (length > 19 && text.charCodeAt(19) !== 46)) return undefined;
  const separator = text.charCodeAt(10);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (separator !== 32 && separator !== 84)) return undefined;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined;
  }
  let fraction = 0;
  if (length > 20) {
    fraction = digitsAt(text, 20, length - 20);
    if (fraction < 0) return undefined;
    for (let digits = length - 20; digits < 6; digits++) fraction *= 10;
  } else if (length === 20) {
    return undefined;
  }
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  if (Math.abs(seconds) < 9_000_000_000) return BigInt(seconds * 1_000_000 + fraction);
  return BigInt(seconds) * MICROS_PER_SECOND + BigInt(fraction);
}

function offsetSeconds(offset: string | undefined): number {
  if (!offset || offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(/:/g, '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4) || 0);
  const seconds = Number(digits.slice(4, 6) || 0);
  return sign * (hours * 3600 + minutes * 60 + seconds);
}

/**
 * Timestamp text as an engine returns it (with or without an offset) to the canonical form,
 * converted to UTC when it carries an offset. Infinite values keep their spelling, lower-cased.
 */
export function canonicalTimestampText(text: string): string {
  if (/^-?infinity$/i.test(text)) return text.toLowerCase();
  return formatTimestamp(parseTimestampText(text));
}

// ---------------------------------------------------------------------------------------------
// Decimals

/** A scaled integer (value / 10^scale) in plain notation with exactly `scale` fraction digits. */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(scale + 1, '0');
  const whole = padded.slice(0, padded.length - scale);
  const fraction = padded.slice(padded.length - scale);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/**
 * Decimal text (plain or exponent notation) to an integer scaled by 10^scale, rounding half
 * away from zero when the text has more fraction digits than `scale` (as a cast would).
 * Without `scale`, the text's own number of fraction digits is kept.
 */
export function parseDecimalText(text: string, scale?: number): { unscaled: bigint; scale: number } {
  if (scale !== undefined) {
    const fast = parseDecimalFast(text, scale);
    if (fast !== undefined) return { unscaled: fast, scale };
  }
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new InvalidValueError(`'${text}' is not a decimal number`);
  }
  const [, sign, whole, fractionText = '', exponentText] = match;
  const exponent = Number(exponentText ?? 0);
  // digits * 10^(exponent - fraction length)
  let digits = BigInt((whole || '0') + fractionText);
  let digitScale = fractionText.length - exponent;
  const targetScale = scale ?? Math.max(0, digitScale);
  if (digitScale < targetScale) {
    digits *= 10n ** BigInt(targetScale - digitScale);
  } else if (digitScale > targetScale) {
    const divisor = 10n ** BigInt(digitScale - targetScale);
    const remainder = digits % divisor;
    digits /= divisor;
    if (remainder * 2n >= divisor) digits += 1n;
  }
  digitScale = targetScale;
  return { unscaled: sign === '-' ? -digits : digits, scale: digitScale };
}

/**
 * Plain decimal text ('-123.45') with at most `scale` fraction digits and at most 15 digits in
 * all, which a double holds exactly, so no BigInt arithmetic is needed until the end.
 */
function parseDecimalFast(text: string, scale: number): bigint | undefined {
  const length = text.length;
  let index = 0;
  let negative = false;
  const first = text.charCodeAt(0);
  if (first === 45 || first === 43) {
    negative = first === 45;
    index = 1;
  }
  let value = 0;
  let digits = 0;
  let fractionDigits = -1;
  for (; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code === 46 && fractionDigits < 0) {
      fractionDigits = 0;
      continue;
    }
    const digit = code - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
    digits += 1;
    if (fractionDigits >= 0) fractionDigits += 1;
  }
  if (fractionDigits < 0) fractionDigits = 0;
  if (digits === 0 || fractionDigits > scale || digits + (scale - fractionDigits) > 15) return undefined;
  for (let pad = fractionDigits; pad < scale; pad++) value *= 10;
  return BigInt(negative ? -value : value);
}

/**
 * Decimal text to the canonical plain string with exactly `scale` fraction digits (or the
 * text's own scale when undefined). NaN and infinities (Postgres numeric allows them) pass
 * through with Postgres' spelling.
 */
export function canonicalDecimalText(text: string, scale?: number): string {
  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(text.trim());
  if (special) return special[2]!.toLowerCase() === 'nan' ? 'NaN' : `${special[1] === '-' ? '-' : ''}Infinity`;
  const parsed = parseDecimalText(text, scale);
  return formatDecimal(parsed.unscaled, parsed.scale);
}

// ---------------------------------------------------------------------------------------------
// Coercions for writes (bulk loads, bound parameters)

function describeInput(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? value.slice(0, 40) + '...' : value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString()})`;
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

export function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0 || value === 1n || value === 0n) return Number(value) === 1;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (['true', 't', '1', 'yes', 'y'].includes(lower)) return true;
    if (['false', 'f', '0', 'no', 'n'].includes(lower)) return false;
  }
  throw new InvalidValueError(`${describeInput(value)} is not a boolean`);
}

/** An integer as a bigint, accepting integral numbers, bigints and integer text. */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return BigInt(value.trim());
  if (typeof value === 'boolean') return value ? 1n : 0n;
  throw new InvalidValueError(`${describeInput(value)} is not an integer`);
}

/** A 32-bit integer as a number. */
export function toInt32(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) return value;
  const big = toBigInt(value);
  if (big < -2147483648n || big > 2147483647n) throw new InvalidValueError(`${describeInput(value)} does not fit a 32-bit integer`);
  return Number(big);
}

export function toDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (/^[+-]?(inf|infinity)$/i.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity;
    if (/^nan$/i.test(trimmed)) return NaN;
    const parsed = Number(trimmed);
    if (trimmed !== '' && !Number.isNaN(parsed)) return parsed;
  }
  throw new InvalidValueError(`${describeInput(value)} is not a number`);
}

/** A decimal as an integer scaled by 10^scale. Numbers go through their shortest text form. */
export function toScaledDecimal(value: unknown, scale: number): bigint {
  if (typeof value === 'bigint') return value * 10n ** BigInt(scale);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidValueError(`${value} cannot be stored in a decimal column`);
    return parseDecimalText(String(value), scale).unscaled;
  }
  if (typeof value === 'string') return parseDecimalText(value, scale).unscaled;
  throw new InvalidValueError(`${describeInput(value)} is not a decimal number`);
}

/** Decimal text for a value bound for a decimal column (exact scale when known). */
export function toDecimalText(value: unknown, scale?: number): string {
  if (typeof value === 'bigint') return scale === undefined ? value.toString() : formatDecimal(value * 10n ** BigInt(scale), scale);
  if (typeof value === 'number' && !Number.isFinite(value)) throw new InvalidValueError(`${value} cannot be stored in a decimal column`);
  if (typeof value === 'number' || typeof value === 'string') {
    const parsed = parseDecimalText(String(value), scale);
    return formatDecimal(parsed.unscaled, parsed.scale);
  }
  throw new InvalidValueError(`${describeInput(value)} is not a decimal number`);
}

/**
 * Epoch days from a Date (its UTC calendar day), 'YYYY-MM-DD' text, or a number of epoch
 * milliseconds (as Date.getTime() gives).
 */
export function toEpochDays(value: unknown): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new InvalidValueError('an invalid Date is not a date');
    return Math.floor(ms / 86_400_000);
  }
  if (typeof value === 'string') return parseDateText(value);
  if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value / 86_400_000);
  throw new InvalidValueError(`${describeInput(value)} is not a date`);
}

/**
 * Epoch microseconds from a Date, timestamp text (an offset converts to UTC), a number of epoch
 * milliseconds, or a bigint of epoch microseconds.
 */
export function toEpochMicros(value: unknown): bigint {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new InvalidValueError('an invalid Date is not a timestamp');
    return BigInt(ms) * 1000n;
  }
  if (typeof value === 'string') return parseTimestampText(value);
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.round(value * 1000));
  throw new InvalidValueError(`${describeInput(value)} is not a timestamp`);
}

/** Text for a string column: strings as they are, anything else as its JSON or String form. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return formatTimestamp(toEpochMicros(value));
  if (typeof value === 'object' && value !== null) return toJsonText(value);
  return String(value);
}

/** Text for a JSON column: strings are taken as JSON text already; other values are serialized. */
export function toJsonText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
}
