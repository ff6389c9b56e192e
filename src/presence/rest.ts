import type { Resource } from '../platform/http/jsonapi.js';

/**
 * The REST model of a character standing in a field. atlas-maps answers with bare identifiers: type
 * "characters", the id as a decimal string and no attributes (api2go still writes `"attributes":{}`).
 */
export function characterResource(characterId: number): Resource<Record<string, never>> {
  return { type: 'characters', id: String(characterId), attributes: {} };
}
