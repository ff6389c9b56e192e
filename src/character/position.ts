import type { Position } from './model.js';

/** A cached position: `dirty` until written to its row, `flush` the flush count when it last changed. */
interface LivePosition extends Position {
  dirty: boolean;
  flush: number;
}

/**
 * How many flushes a position may sit unchanged before it is dropped from the cache: by then its row holds
 * it, and the character may be moving on another replica (its movement partition moved), whose newer
 * position this replica must not keep serving.
 */
const IDLE_FLUSHES = 10;

/**
 * Live positions (decisions B14, E5): movement arrives many times a second per character, so it is cached in
 * memory, and written to the character's row by a periodic flush (of what changed since the last one), on
 * logout and on shutdown. Several replicas share the rows: the replica that handles a character's logout
 * need not be the one that receives its movement, and finds the position in the row, a flush period old at
 * most. Scoped by tenant (the reference keyed by character id alone). Movement mutates the cached object in
 * place, so the hot path allocates nothing.
 */
export class Positions {
  private readonly tenants = new Map<string, Map<number, LivePosition>>();
  private flushes = 0;

  get(tenantId: string, characterId: number): Position | undefined {
    return this.tenants.get(tenantId)?.get(characterId);
  }

  /** The position when it changed since the last flush: the row holds anything older (or newer, elsewhere). */
  unsaved(tenantId: string, characterId: number): Position | undefined {
    const position = this.tenants.get(tenantId)?.get(characterId);
    return position?.dirty ? position : undefined;
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
      position.dirty = true;
      position.flush = this.flushes;
    } else {
      characters.set(characterId, { x, y, fh, stance, dirty: true, flush: this.flushes });
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

  /**
   * The positions changed since the last flush, per tenant, now counted as written; positions unchanged for
   * a while are dropped. A caller whose write fails hands the batch back with `unwritten`.
   */
  takeUnsaved(): Array<[string, Array<[number, Position]>]> {
    this.flushes++;
    const out: Array<[string, Array<[number, Position]>]> = [];
    for (const [tenantId, characters] of this.tenants) {
      const batch: Array<[number, Position]> = [];
      for (const [id, position] of characters) {
        if (position.dirty) {
          position.dirty = false;
          batch.push([id, position]);
        } else if (this.flushes - position.flush > IDLE_FLUSHES) {
          characters.delete(id);
        }
      }
      if (characters.size === 0) this.tenants.delete(tenantId);
      if (batch.length > 0) out.push([tenantId, batch]);
    }
    return out;
  }

  /** A batch from `takeUnsaved` that could not be written: it is written with the next flush. */
  unwritten(tenantId: string, batch: ReadonlyArray<readonly [number, Position]>): void {
    for (const [id] of batch) {
      const position = this.tenants.get(tenantId)?.get(id);
      if (position) position.dirty = true;
    }
  }
}
