/**
 * ClickHouse server versions and what each can do. The engine reads `SELECT version()` at
 * connect and hands the resulting capabilities to its dialect, so SQL generation asks a flag
 * ("supportsDateTime64") instead of comparing version numbers.
 *
 * CI runs the Debian package 18.16.1, so every branch taken on 18.16 is verified against a real
 * server; the thresholds for newer features come from ClickHouse's changelog and docs and are set
 * conservatively (a feature assumed later than it shipped only costs the older spelling).
 */

export interface ServerVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** As the server reports it, e.g. "18.16.1" or "24.3.2.23". */
  readonly text: string;
}

export function parseServerVersion(text: string): ServerVersion {
  const match = /^\s*(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) throw new Error(`Cannot read a ClickHouse version from '${text}'`);
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0), text: text.trim() };
}

/** True when `version` is at least major.minor. */
export function isAtLeast(version: ServerVersion, major: number, minor = 0): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

/** What a server can do, decided once from its version. Every flag is readonly. */
export interface ClickHouseCapabilities {
  readonly version: ServerVersion;
  /** `{name:Type}` placeholders bound from `param_name` URL parameters (19.11; absent on 18.16). */
  readonly supportsQueryParameters: boolean;
  /** DateTime64(p[, tz]) and toDateTime64 (20.1; absent on 18.16). */
  readonly supportsDateTime64: boolean;
  /** The Bool type, toBool() and true/false literals (Bool arrived in 21.12; assumed from 22.1; 18.16 has none: booleans are UInt8). */
  readonly supportsBool: boolean;
  /** Int128/Int256 as ordinary types (21.7; on 18.16 wide integers need Decimal(38, 0)). */
  readonly supportsWideIntegers: boolean;
  /** LowCardinality(T) without allow_experimental_low_cardinality_type=1 (19.1; 18.16 needs the setting). */
  readonly supportsLowCardinality: boolean;
  /** Table and column TTL clauses (19.6; 18.16 rejects TTL with a syntax error). */
  readonly supportsTTL: boolean;
  /** CONSTRAINT name CHECK expr in CREATE TABLE, enforced on insert (19.14; 18.16 rejects it). */
  readonly supportsCheckConstraints: boolean;
  /** CREATE OR REPLACE TABLE/VIEW (needs an Atomic database; assumed from 22.1; 18.16 rejects it). */
  readonly supportsCreateOrReplace: boolean;
}

export function capabilitiesFor(version: ServerVersion | string): ClickHouseCapabilities {
  const v = typeof version === 'string' ? parseServerVersion(version) : version;
  return {
    version: v,
    supportsQueryParameters: isAtLeast(v, 19, 11),
    supportsDateTime64: isAtLeast(v, 20, 1),
    supportsBool: isAtLeast(v, 22, 1),
    supportsWideIntegers: isAtLeast(v, 21, 7),
    supportsLowCardinality: isAtLeast(v, 19, 1),
    supportsTTL: isAtLeast(v, 19, 6),
    supportsCheckConstraints: isAtLeast(v, 19, 14),
    supportsCreateOrReplace: isAtLeast(v, 22, 1),
  };
}

/** The version CI installs; dialect tests use it as the "old" capability set. */
export const CLICKHOUSE_18_16 = capabilitiesFor('18.16.1');
/** A current LTS; dialect tests use it as the "modern" capability set. */
export const CLICKHOUSE_24_3 = capabilitiesFor('24.3.1');
