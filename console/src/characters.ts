import { attempt } from './alerts.js';
import { type Document, get, type Single, serverNow } from './api.js';
import { barChart } from './charts.js';
import { byId, duration, fill, h, table, timeText } from './dom.js';
import { onEvent } from './events.js';
import type { View } from './main.js';
import { dailyPlaytime, type Stint } from './playtime.js';

interface CharacterAttributes extends Record<string, unknown> {
  readonly name: string;
  readonly level: number;
  readonly jobId: number;
  readonly worldId: number;
  readonly mapId: number;
  readonly instance: string;
  readonly x: number;
  readonly y: number;
}

interface SessionAttributes extends Stint {
  readonly worldId: number;
  readonly channelId: number;
}

interface LocationAttributes {
  readonly locationType: string;
  readonly mapId: number;
  readonly portalId: number;
}

const DAY_MS = 86_400_000;
const STATS = [
  'level',
  'jobId',
  'experience',
  'fame',
  'meso',
  'strength',
  'dexterity',
  'intelligence',
  'luck',
  'hp',
  'maxHp',
  'mp',
  'maxMp',
  'ap',
] as const;

function searchForm(results: HTMLElement): HTMLFormElement {
  const name = h('input', { id: 'character-name', type: 'search', required: true, autocomplete: 'off' });
  const form = h(
    'form',
    { role: 'search', 'aria-label': 'Find a character' },
    h(
      'div',
      { class: 'form-row' },
      h('label', { for: 'character-name' }, 'Character name'),
      name,
      h('button', { type: 'submit' }, 'Search'),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(async () => {
      const found = await get<Document<CharacterAttributes>>(
        `/api/characters?name=${encodeURIComponent(name.value)}`,
      );
      fill(
        results,
        found.data.length === 0
          ? h('p', {}, `No character named ${name.value}.`)
          : h(
              'ul',
              {},
              ...found.data.map((character) =>
                h(
                  'li',
                  {},
                  h(
                    'a',
                    { href: `#character/${character.id}` },
                    `${character.attributes.name} (level ${character.attributes.level}, id ${character.id})`,
                  ),
                ),
              ),
            ),
      );
    });
  });
  return form;
}

async function savedLocations(id: string): Promise<HTMLElement> {
  const found = await get<Document<LocationAttributes>>(`/api/characters/${id}/locations`);
  if (found.data.length === 0) return h('p', { class: 'muted' }, 'No saved location.');
  return h(
    'ul',
    {},
    ...found.data.map(({ attributes: location }) =>
      h('li', {}, `${location.locationType}: map ${location.mapId}, portal ${location.portalId}`),
    ),
  );
}

async function characterPage(id: string): Promise<HTMLElement[]> {
  const now = serverNow();
  const since = Math.floor((now - 30 * DAY_MS) / 1000);
  const [character, sessions, locations] = await Promise.all([
    get<Single<CharacterAttributes>>(`/api/characters/${id}`),
    get<Document<SessionAttributes>>(`/api/characters/${id}/sessions?since=${since}`),
    savedLocations(id),
  ]);
  const a = character.data.attributes;
  const days = dailyPlaytime(
    sessions.data.map((session) => session.attributes),
    serverNow(),
  );
  const total = days.reduce((sum, day) => sum + day.ms, 0);
  return [
    h('h2', { id: 'characters-heading' }, `${a.name} (id ${id})`),
    h('p', {}, h('a', { href: '#characters' }, 'Back to the search')),
    h('h3', {}, 'Stats'),
    h(
      'dl',
      { class: 'stats' },
      ...STATS.flatMap((stat) => [h('dt', {}, stat), h('dd', {}, String(a[stat] ?? ''))]),
    ),
    h('h3', {}, 'Location'),
    h(
      'p',
      {},
      `World ${a.worldId}, map ${a.mapId}${a.instance && !/^0{8}-/.test(a.instance) ? ` (instance ${a.instance})` : ''}, at ${a.x}, ${a.y}`,
    ),
    h('h3', {}, 'Saved locations'),
    locations,
    h('h3', {}, 'Playtime, last 30 days'),
    h('p', {}, `Total: ${duration(total)}`),
    h(
      'div',
      { id: 'playtime-chart' },
      barChart(
        'Playtime per day (UTC), last 30 days',
        days.map((day) => ({
          label: day.day.slice(5),
          value: day.ms,
          description: `${day.day}: ${duration(day.ms)}`,
        })),
      ),
    ),
    h('h3', {}, 'Sessions'),
    sessions.data.length === 0
      ? h('p', { class: 'muted' }, 'No session in the last 30 days.')
      : table(
          'Sessions of the last 30 days',
          ['Login', 'Logout', 'World', 'Channel', 'Length'],
          [...sessions.data]
            .reverse()
            .map(({ attributes: s }) =>
              h(
                'tr',
                {},
                h('td', {}, timeText(s.loginTime)),
                h('td', {}, s.logoutTime ? timeText(s.logoutTime) : 'online'),
                h('td', {}, String(s.worldId)),
                h('td', {}, String(s.channelId)),
                h(
                  'td',
                  {},
                  duration((s.logoutTime ? Date.parse(s.logoutTime) : serverNow()) - Date.parse(s.loginTime)),
                ),
              ),
            ),
        ),
  ];
}

/** The character page on screen, if any: a status event about that character (login, map change) reloads it. */
let shownId: string | undefined;

onEvent('EVENT_TOPIC_CHARACTER_STATUS', (event) => {
  if (shownId !== undefined && String(event.value.characterId) === shownId) {
    const id = shownId;
    void attempt(async () => {
      const page = await characterPage(id);
      if (shownId === id) fill(byId('view-characters'), ...page);
    });
  }
});

export const characterView: View = {
  name: 'characters',
  async show(argument) {
    const section = byId('view-characters');
    shownId = argument;
    if (argument) {
      fill(section, h('h2', { id: 'characters-heading' }, `Character ${argument}`), h('p', {}, 'Loading…'));
      fill(section, ...(await characterPage(argument)));
      return;
    }
    const results = h('div', { id: 'character-results', 'aria-live': 'polite' });
    fill(section, h('h2', { id: 'characters-heading' }, 'Characters'), searchForm(results), results);
  },
  hide() {
    shownId = undefined;
  },
};
