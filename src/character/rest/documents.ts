import { applySparseFields, type Document, type Resource } from '../../platform/http/jsonapi.js';
import type { SavedLocation } from '../locations/repository.js';
import type { Character, Position } from '../model.js';
import type { SessionRecord } from '../sessions/history.js';

/** The `characters` attributes in the reference's order (character.md §5.2). */
export const CHARACTER_FIELDS = [
  'accountId',
  'worldId',
  'name',
  'level',
  'experience',
  'gachaponExperience',
  'strength',
  'dexterity',
  'intelligence',
  'luck',
  'hp',
  'maxHp',
  'mp',
  'maxMp',
  'meso',
  'hpMpUsed',
  'jobId',
  'skinColor',
  'gender',
  'fame',
  'hair',
  'face',
  'ap',
  'sp',
  'mapId',
  'instance',
  'spawnPoint',
  'gm',
  'x',
  'y',
  'fh',
  'stance',
] as const;

/**
 * x, y and stance come from the live position; a character not seen moving has its stored one. `fh` (HEAD's
 * foothold, between y and stance as HEAD writes it) is live only: it is not stored, so it is 0 until the
 * character's first movement after a start-up.
 */
export function characterResource(c: Character, live: Position | undefined): Resource {
  const at = live ?? c;
  return {
    type: 'characters',
    id: String(c.id),
    attributes: {
      accountId: c.accountId,
      worldId: c.worldId,
      name: c.name,
      level: c.level,
      experience: c.experience,
      gachaponExperience: c.gachaponExperience,
      strength: c.strength,
      dexterity: c.dexterity,
      intelligence: c.intelligence,
      luck: c.luck,
      hp: c.hp,
      maxHp: c.maxHp,
      mp: c.mp,
      maxMp: c.maxMp,
      meso: c.meso,
      hpMpUsed: c.hpMpUsed,
      jobId: c.jobId,
      skinColor: c.skinColor,
      gender: c.gender,
      fame: c.fame,
      hair: c.hair,
      face: c.face,
      ap: c.ap,
      sp: c.sp,
      mapId: c.mapId,
      instance: c.instance,
      spawnPoint: c.spawnPoint,
      gm: c.gm,
      x: at.x,
      y: at.y,
      fh: live?.fh ?? 0,
      stance: at.stance,
    },
  };
}

/** Go's RFC3339Nano: fractional seconds without trailing zeros, `Z` for UTC. */
export function rfc3339(microseconds: number): string {
  const ms = Math.floor(microseconds / 1000);
  const iso = new Date(ms).toISOString();
  const fraction = `${iso.slice(20, 23)}${String(microseconds - ms * 1000).padStart(3, '0')}`.replace(
    /0+$/,
    '',
  );
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

/** `logoutTime` is absent (not null) while the stint is open, as Go's omitempty pointer. */
export function sessionResource(s: SessionRecord): Resource {
  const attributes: Record<string, unknown> = {
    characterId: s.characterId,
    worldId: s.worldId,
    channelId: s.channelId,
    loginTime: rfc3339(s.loginUs),
  };
  if (s.logoutUs !== null) attributes.logoutTime = rfc3339(s.logoutUs);
  return { type: 'sessions', id: String(s.id), attributes };
}

export function playtimeResource(characterId: number, totalSeconds: number, formattedTime: string): Resource {
  return {
    type: 'playtime',
    id: String(characterId),
    attributes: { characterId, totalSeconds, formattedTime },
  };
}

export function locationResource(l: SavedLocation): Resource {
  return {
    type: 'saved-locations',
    id: l.id,
    attributes: {
      characterId: l.characterId,
      locationType: l.locationType,
      mapId: l.mapId,
      portalId: l.portalId,
    },
  };
}

const KNOWN_FIELDS: Record<string, readonly string[]> = {
  characters: CHARACTER_FIELDS,
  sessions: ['characterId', 'worldId', 'channelId', 'loginTime', 'logoutTime'],
  playtime: ['characterId', 'totalSeconds', 'formattedTime'],
  'saved-locations': ['characterId', 'locationType', 'mapId', 'portalId'],
};

/** Sparse fieldsets (`fields[characters]=mapId,x,y,stance`, used by atlas-pets); an unknown field is a 400. */
export function withSparseFields(doc: Document, query: Record<string, unknown>): Document {
  return applySparseFields(doc, query, KNOWN_FIELDS);
}
