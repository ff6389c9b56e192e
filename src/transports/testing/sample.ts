import { readFileSync } from 'node:fs';
import { parseTenantsFile } from '../core/config.js';

/** The first tenant of config/tenants.json, the sample the pure tests and the timetable comments refer to. */
export const sample = parseTenantsFile(
  JSON.parse(readFileSync(new URL('../../../config/tenants.json', import.meta.url), 'utf8')),
).configurations[0]!;
