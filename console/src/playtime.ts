/** Per-day playtime of the last days, computed in the page from the session list (no endpoint needed). */

export interface Stint {
  readonly loginTime: string;
  /** Absent while the session is open: it counts up to now. */
  readonly logoutTime?: string;
}

export interface DayTotal {
  /** YYYY-MM-DD, UTC. */
  readonly day: string;
  readonly ms: number;
}

const DAY_MS = 86_400_000;

/** `days` UTC days ending with today's (the day of `now`), each with the time its stints overlap it. */
export function dailyPlaytime(stints: readonly Stint[], now: number, days = 30): DayTotal[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const totals = Array.from({ length: days }, (_, index) => ({
    start: today - (days - 1 - index) * DAY_MS,
    ms: 0,
  }));
  for (const stint of stints) {
    const from = Date.parse(stint.loginTime);
    const to = Math.min(stint.logoutTime === undefined ? now : Date.parse(stint.logoutTime), now);
    if (!(to > from)) continue;
    for (const total of totals) {
      total.ms += Math.max(0, Math.min(to, total.start + DAY_MS) - Math.max(from, total.start));
    }
  }
  return totals.map(({ start, ms }) => ({ day: new Date(start).toISOString().slice(0, 10), ms }));
}
