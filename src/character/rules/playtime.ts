/** The part of a session [login, logout) inside [start, end); an open session runs until `end`. */
export function overlapMs(loginMs: number, logoutMs: number | null, startMs: number, endMs: number): number {
  const from = Math.max(loginMs, startMs);
  const to = Math.min(logoutMs ?? endMs, endMs);
  return Math.max(0, to - from);
}

export interface PlaySession {
  readonly loginMs: number;
  readonly logoutMs: number | null;
}

export function playtimeMs(sessions: readonly PlaySession[], startMs: number, endMs: number): number {
  return sessions.reduce((sum, s) => sum + overlapMs(s.loginMs, s.logoutMs, startMs, endMs), 0);
}

/** Whole seconds, truncated, as the reference's `totalSeconds`. */
export function playtimeSeconds(totalMs: number): number {
  return Math.trunc(totalMs / 1000);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** "HH:MM:SS". Hours keep counting past 24 (decisions B16); the reference printed them modulo 24. */
export function formatPlaytime(totalSeconds: number): string {
  const seconds = Math.max(0, Math.trunc(totalSeconds));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor(seconds / 60) % 60;
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds % 60)}`;
}
