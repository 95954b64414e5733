import { type EpochMs, Temporal } from '../time/zoned.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const two = (n: number) => String(n).padStart(2, '0');

/**
 * Dates and times as the client reads them, in English and in one fixed form (no `Intl`, whose
 * output differs between Node builds): "Tue 1 Dec", with the year when it is not `year`.
 */
export class LocalFormat {
  constructor(
    readonly zone: string,
    /** The year that goes without saying (the report's). */
    private readonly year: number,
  ) {}

  date(date: string): string {
    const d = Temporal.PlainDate.from(date);
    const year = d.year === this.year ? '' : ` ${d.year}`;
    return `${DAYS[d.dayOfWeek - 1]} ${d.day} ${MONTHS[d.month - 1]}${year}`;
  }

  private zoned(ms: EpochMs): Temporal.ZonedDateTime {
    return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(this.zone);
  }

  time(ms: EpochMs): string {
    const z = this.zoned(ms);
    return `${two(z.hour)}:${two(z.minute)}`;
  }

  /** "Tue 1 Dec, 09:00". */
  dateTime(ms: EpochMs): string {
    return `${this.date(this.zoned(ms).toPlainDate().toString())}, ${this.time(ms)}`;
  }

  /** "Tue 1 Dec, 09:00–10:30", or both dates when it crosses midnight. */
  span(start: EpochMs, end: EpochMs): string {
    const a = this.zoned(start).toPlainDate();
    const b = this.zoned(end).toPlainDate();
    return Temporal.PlainDate.compare(a, b) === 0
      ? `${this.dateTime(start)}–${this.time(end)}`
      : `${this.dateTime(start)} – ${this.dateTime(end)}`;
  }
}
