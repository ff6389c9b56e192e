// RFC 3339 times in requests (query parameters, body attributes), read as the reference's Go services read them.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** A UTC instant from calendar fields; years 0-99 are years 0-99, not 1900-1999 as Date.UTC would have them. */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/**
 * Go's time.Parse(time.RFC3339, …): fractional seconds accepted, every field range-checked (no 30 February,
 * no hour 24; Date.parse would roll those over), offsets up to ±24:60 as Go allows. NaN when not such a time.
 */
export function parseRfc3339(text: string): number {
  const m = RFC3339.exec(text);
  if (!m) return Number.NaN;
  const field = (n: number) => Number(m[n] ?? 0);
  const [year, month, day] = [field(1), field(2), field(3)];
  const daysInMonth = month >= 1 && month <= 12 ? new Date(utc(year, month + 1, 0)).getUTCDate() : 0;
  if (day < 1 || day > daysInMonth || field(4) > 23 || field(5) > 59 || field(6) > 59) return Number.NaN;
  if (field(9) > 24 || field(10) > 60) return Number.NaN;
  const offsetMs = (m[8] === '-' ? -1 : 1) * (field(9) * 60 + field(10)) * 60_000;
  // Milliseconds are the digits that matter here; the rest of the fraction is dropped, not rounded.
  const fractionMs = Number((m[7] ?? '.').slice(1, 4).padEnd(3, '0'));
  return utc(year, month, day, field(4), field(5), field(6)) + fractionMs - offsetMs;
}
