import { NIL_UUID } from '../platform/tenant.js';

/**
 * A stored character (character.md §2.1). `x`, `y` and `stance` are the position persisted on logout and
 * shutdown; the live position is held in memory (position.ts) and wins while the character plays.
 */
export interface Character {
  readonly id: number;
  readonly accountId: number;
  readonly worldId: number;
  readonly name: string;
  readonly level: number;
  readonly experience: number;
  readonly gachaponExperience: number;
  readonly strength: number;
  readonly dexterity: number;
  readonly intelligence: number;
  readonly luck: number;
  readonly hp: number;
  readonly mp: number;
  readonly maxHp: number;
  readonly maxMp: number;
  readonly meso: number;
  readonly hpMpUsed: number;
  readonly jobId: number;
  readonly skinColor: number;
  readonly gender: number;
  readonly fame: number;
  readonly hair: number;
  readonly face: number;
  readonly ap: number;
  readonly sp: string;
  readonly mapId: number;
  readonly instance: string;
  readonly spawnPoint: number;
  readonly gm: number;
  readonly x: number;
  readonly y: number;
  readonly stance: number;
}

/** The columns an operation may change; `id`, `accountId` and `worldId` never change after creation. */
export type CharacterChanges = Partial<Omit<Character, 'id' | 'accountId' | 'worldId'>>;

/** What creation takes: everything else starts at the table's defaults. */
export interface NewCharacter {
  readonly accountId: number;
  readonly worldId: number;
  readonly name: string;
  readonly level: number;
  readonly strength: number;
  readonly dexterity: number;
  readonly intelligence: number;
  readonly luck: number;
  readonly maxHp: number;
  readonly maxMp: number;
  readonly jobId: number;
  readonly skinColor: number;
  readonly gender: number;
  readonly hair: number;
  readonly face: number;
  readonly mapId: number;
  readonly gm: number;
  /** K4: a creation over the bus may start with meso (HEAD's CREATE_CHARACTER `meso`); 0 otherwise. */
  readonly meso?: number;
}

/** Where a character stands and faces, as movement commands report it; `fh` is the foothold (C3, K7). */
export interface Position {
  x: number;
  y: number;
  fh: number;
  stance: number;
}

export const NIL_INSTANCE = NIL_UUID;

/** An operation named a character that does not exist in the tenant. */
export class CharacterNotFound extends Error {
  constructor(readonly characterId: number) {
    super(`character ${characterId} not found`);
  }
}

/** Creation refused: the message is the reference's error text, which CREATION_FAILED carries. */
export class CreationRefused extends Error {
  constructor(
    message: string,
    readonly attribute: 'name' | 'level',
  ) {
    super(message);
  }
}

/** An update refused with one of the reference's validation messages (character.md §2.23). */
export class UpdateRefused extends Error {}
