/**
 * JSON for engine values between local processes. Plain JSON would lose 64-bit integers and
 * dates, so they travel tagged: {"$bigint": "..."} and {"$date": "ISO"}.
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, item: unknown) {
    const raw = this[key];
    if (typeof raw === 'bigint') return { $bigint: raw.toString() };
    if (raw instanceof Date) return { $date: raw.toISOString() };
    return item;
  });
}

export function decodeJson<T = unknown>(text: string): T {
  return JSON.parse(text, (_key, item: unknown) => {
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      const record = item as Record<string, unknown>;
      if (typeof record.$bigint === 'string' && Object.keys(record).length === 1) return BigInt(record.$bigint);
      if (typeof record.$date === 'string' && Object.keys(record).length === 1) return new Date(record.$date);
    }
    return item;
  }) as T;
}
