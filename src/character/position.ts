import type { Position } from './model.js';

/**
 * Live positions (decisions B14): movement arrives many times a second per character, so it stays in memory
 * and reaches the database only on logout and on shutdown. Scoped by tenant (the reference keyed by character
 * id alone). Movement mutates the stored object in place, so the hot path allocates nothing.
 */
export class Positions {
  private readonly tenants = new Map<string, Map<number, Position>>();

  get(tenantId: string, characterId: number): Position | undefined {
    return this.tenants.get(tenantId)?.get(characterId);
  }

  set(tenantId: string, characterId: number, x: number, y: number, fh: number, stance: number): void {
    let characters = this.tenants.get(tenantId);
    if (!characters) {
      characters = new Map();
      this.tenants.set(tenantId, characters);
    }
    const position = characters.get(characterId);
    if (position) {
      position.x = x;
      position.y = y;
      position.fh = fh;
      position.stance = stance;
    } else {
      characters.set(characterId, { x, y, fh, stance });
    }
  }

  /**
   * A warp: new coordinates, same stance (0 for a character never seen moving). The foothold is reset to 0:
   * a foothold id belongs to the map it was reported in, and the next movement reports the new one.
   */
  place(tenantId: string, characterId: number, x: number, y: number): void {
    this.set(tenantId, characterId, x, y, 0, this.get(tenantId, characterId)?.stance ?? 0);
  }

  delete(tenantId: string, characterId: number): void {
    this.tenants.get(tenantId)?.delete(characterId);
  }

  /** Every live position of every tenant, for the flush at shutdown. */
  entries(): Array<[string, Array<[number, Position]>]> {
    return [...this.tenants].map(([tenantId, characters]) => [tenantId, [...characters]]);
  }
}
