import { cumulativeWeights, type Random, searchCumulative } from './random.js';
import { MS_PER_HOUR, type Period } from './period.js';
import { REGION_UTC_OFFSET_HOURS, type Region } from './vocabulary.js';

/** Relative activity by local hour: a working day with a lunch dip and a quiet night. */
const LOCAL_HOUR_WEIGHTS = [
  0.1, 0.05, 0.03, 0.03, 0.03, 0.05, 0.15, 0.4, 0.8, 1, 1, 1, 0.8, 0.9, 1, 1, 0.9, 0.6, 0.4, 0.3, 0.3, 0.3, 0.2, 0.15,
];

/** Monday .. Sunday: weekends are quiet for a B2B product. */
const WEEKDAY_FACTORS = [1, 1.04, 1.05, 1.02, 0.9, 0.32, 0.28];

/** January .. December: the August and year-end holidays. */
const MONTH_FACTORS = [0.96, 1, 1.02, 1, 1, 0.98, 0.94, 0.86, 1.02, 1.04, 1.02, 0.84];

/** Per-region cumulative weights over UTC hours, so local business hours land at the right UTC time. */
const UTC_HOUR_CUMULATIVE = new Map<Region, Float64Array>(
  (Object.keys(REGION_UTC_OFFSET_HOURS) as Region[]).map((region) => {
    const offset = REGION_UTC_OFFSET_HOURS[region];
    const weights = Array.from({ length: 24 }, (_, utcHour) => LOCAL_HOUR_WEIGHTS[(utcHour + offset + 24) % 24]!);
    return [region, cumulativeWeights(weights)];
  }),
);

/** How busy a calendar day is relative to a plain weekday (weekday and holiday-month effects). */
export function dayActivityFactor(period: Period, day: number): number {
  return WEEKDAY_FACTORS[period.weekdayOf(day)]! * MONTH_FACTORS[period.monthOf(day) - 1]!;
}

/** A time of day (ms since UTC midnight, below MS_PER_DAY) following the region's business hours. */
export function timeOfDayMs(random: Random, region: Region, wholeSeconds: boolean): number {
  const cumulative = UTC_HOUR_CUMULATIVE.get(region)!;
  const hour = searchCumulative(cumulative, random.float() * cumulative[23]!);
  const withinHour = wholeSeconds ? random.int(0, 3599) * 1000 : random.int(0, MS_PER_HOUR - 1);
  return hour * MS_PER_HOUR + withinHour;
}
