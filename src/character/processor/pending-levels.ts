/**
 * Levels an experience award has earned but whose AWARD_LEVEL (the command the service sends itself, as the
 * reference chains them) has not been handled yet. A second award queued right behind the first must count
 * them, or it would spend experience against the old level's requirement and grant a level too many. Kept in
 * memory: after a restart the window is a few in-flight messages at most, as in the reference.
 */
export class PendingLevels {
  private readonly levels = new Map<string, number>();

  of(tenantId: string, characterId: number): number {
    return this.levels.get(`${tenantId}:${characterId}`) ?? 0;
  }

  add(tenantId: string, characterId: number, amount: number): void {
    if (amount <= 0) return;
    const key = `${tenantId}:${characterId}`;
    this.levels.set(key, (this.levels.get(key) ?? 0) + amount);
  }

  /** An AWARD_LEVEL was handled (ours or anyone's): that many levels are no longer pending. */
  settle(tenantId: string, characterId: number, amount: number): void {
    const key = `${tenantId}:${characterId}`;
    const left = (this.levels.get(key) ?? 0) - amount;
    if (left > 0) this.levels.set(key, left);
    else this.levels.delete(key);
  }
}
