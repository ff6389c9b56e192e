import { type Document, get, serverNow } from './api.js';
import { byId, duration, fill, h, timeText } from './dom.js';
import { onEvent } from './events.js';
import type { View } from './main.js';

interface InstanceRouteAttributes {
  readonly name: string;
  readonly capacity: number;
  readonly travelDurationSeconds: number;
}

interface RideAttributes {
  readonly routeId: string;
  readonly state: string;
  readonly characters: readonly number[];
  readonly boardingUntil: string;
  readonly arrivalAt: string;
}

/** GET /api/transports/manifests (branch trip-control). */
interface ManifestAttributes {
  readonly kind: string;
  readonly routeName: string;
  readonly characterId: number;
  readonly boardedAt: string | null;
  readonly endedAt: string | null;
  readonly outcome: string;
  readonly reason: string | null;
}

let visible = false;

function table(
  label: string,
  headings: readonly string[],
  rows: readonly HTMLTableRowElement[],
): HTMLElement {
  return h(
    'table',
    { 'aria-label': label },
    h('thead', {}, h('tr', {}, ...headings.map((text) => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, ...rows),
  );
}

async function liveRides(): Promise<HTMLElement> {
  const routes = await get<Document<InstanceRouteAttributes>>('/api/transports/instance-routes');
  const rows: HTMLTableRowElement[] = [];
  const now = serverNow();
  for (const route of routes.data) {
    const status = await get<Document<RideAttributes>>(`/api/transports/instance-routes/${route.id}/status`);
    for (const ride of status.data) {
      const until =
        ride.attributes.state === 'BOARDING' ? ride.attributes.boardingUntil : ride.attributes.arrivalAt;
      rows.push(
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, route.attributes.name),
          h('td', {}, ride.attributes.state),
          h(
            'td',
            {},
            `${ride.attributes.characters.length} / ${route.attributes.capacity}`,
            ' ',
            ride.attributes.characters.join(', '),
          ),
          h('td', {}, duration(Date.parse(until) - now)),
        ),
      );
    }
  }
  if (rows.length === 0)
    return h('p', { class: 'muted' }, `No ride under way on ${routes.data.length} instance routes.`);
  return table('Rides under way', ['Route', 'State', 'Riders', 'Time left'], rows);
}

async function lastRides(): Promise<HTMLElement> {
  try {
    const manifests = await get<Document<ManifestAttributes>>('/api/transports/manifests');
    const last = [...manifests.data]
      .sort((a, b) => Date.parse(b.attributes.boardedAt ?? '') - Date.parse(a.attributes.boardedAt ?? ''))
      .slice(0, 30);
    if (last.length === 0) return h('p', { class: 'muted' }, 'No ride recorded yet.');
    return table(
      'Last rides',
      ['Route', 'Kind', 'Character', 'Boarded', 'Ended', 'Outcome'],
      last.map(({ attributes }) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, attributes.routeName),
          h('td', {}, attributes.kind),
          h(
            'td',
            {},
            h('a', { href: `#character/${attributes.characterId}` }, String(attributes.characterId)),
          ),
          h('td', {}, timeText(attributes.boardedAt ?? '')),
          h('td', {}, timeText(attributes.endedAt ?? '')),
          h('td', {}, attributes.outcome, attributes.reason ? ` (${attributes.reason})` : ''),
        ),
      ),
    );
  } catch (error) {
    return h('p', { class: 'muted' }, `Manifests unavailable: ${(error as Error).message}`);
  }
}

async function render(): Promise<void> {
  const [live, last] = await Promise.all([liveRides(), lastRides()]);
  fill(
    byId('view-rides'),
    h('h2', { id: 'rides-heading' }, 'Instance rides'),
    h('h3', {}, 'Under way'),
    live,
    h('h3', {}, 'Last rides'),
    last,
  );
}

onEvent('EVENT_TOPIC_INSTANCE_TRANSPORT', () => {
  if (visible) void render().catch(() => undefined);
});

export const ridesView: View = {
  name: 'rides',
  async show() {
    visible = true;
    await render();
  },
  hide() {
    visible = false;
  },
};
