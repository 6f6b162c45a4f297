import { StrataError } from '../core/errors.js';

export const MS_PER_SECOND = 1000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The anchor period the data lives in, as UTC milliseconds: every generated instant is in
 * [startMs, endMs), where endMs is midnight after the `end` date (the end date is included).
 * Times are plain numbers internally and become text only in `formatTimestamp`, so no time zone
 * or locale ever takes part.
 */
export class Period {
  readonly startMs: number;
  readonly endMs: number;
  readonly days: number;
  private readonly dayLabels: string[];

  constructor(start: string, end: string) {
    this.startMs = parseIsoDate(start, 'start');
    this.endMs = parseIsoDate(end, 'end') + MS_PER_DAY;
    if (this.endMs - this.startMs < 28 * MS_PER_DAY) {
      throw new StrataError('demo_option_invalid', `The demo period ${start} .. ${end} is shorter than 4 weeks.`, {
        hint: 'Choose an end date at least 4 weeks after the start date (default 2025-01-01 .. 2026-06-30).',
      });
    }
    this.days = (this.endMs - this.startMs) / MS_PER_DAY;
    this.dayLabels = [];
    for (let day = 0; day < this.days; day++) {
      this.dayLabels.push(new Date(this.startMs + day * MS_PER_DAY).toISOString().slice(0, 10));
    }
  }

  dayStartMs(day: number): number {
    return this.startMs + day * MS_PER_DAY;
  }

  /** Day index of an instant (0 = the start date). */
  dayOf(ms: number): number {
    return Math.floor((ms - this.startMs) / MS_PER_DAY);
  }

  /** 0 = Monday .. 6 = Sunday. */
  weekdayOf(day: number): number {
    return (new Date(this.dayStartMs(day)).getUTCDay() + 6) % 7;
  }

  /** 1..12 */
  monthOf(day: number): number {
    return Number(this.dayLabels[day]!.slice(5, 7));
  }

  /**
   * 'YYYY-MM-DD HH:MM:SS' plus '.fff' with trailing zeros trimmed when there are milliseconds:
   * the canonical timestamp text every Strata engine returns, so loaded values read back equal.
   */
  formatTimestamp(ms: number): string {
    const day = Math.floor((ms - this.startMs) / MS_PER_DAY);
    const label = this.dayLabels[day];
    if (label === undefined) throw new Error(`demo timestamp ${ms} is outside the period`);
    let rest = ms - this.startMs - day * MS_PER_DAY;
    const hours = Math.floor(rest / MS_PER_HOUR);
    rest -= hours * MS_PER_HOUR;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    const millis = rest - seconds * 1000;
    const text = `${label} ${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}`;
    if (millis === 0) return text;
    if (millis % 100 === 0) return `${text}.${millis / 100}`;
    if (millis % 10 === 0) return `${text}.${TWO_DIGITS[millis / 10]}`;
    return `${text}.${THREE_DIGITS[millis]}`;
  }

  formatDate(day: number): string {
    return this.dayLabels[day]!;
  }
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

function parseIsoDate(text: string, option: string): number {
  const match = ISO_DATE.exec(text);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  // Date.UTC rolls 2025-02-30 over into March; a round trip catches it.
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new StrataError('demo_option_invalid', `The demo option '${option}' must be a date written YYYY-MM-DD, got '${text}'.`, {
      hint: `For example ${option}: '${option === 'start' ? '2025-01-01' : '2026-06-30'}'.`,
    });
  }
  return ms;
}
