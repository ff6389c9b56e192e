import { attempt } from './alerts.js';
import { type Document, get, serverNow } from './api.js';
import { byId, duration, fill, h, table, timeText } from './dom.js';
import { onEvent } from './events.js';
import type { View } from './main.js';

interface InstanceRouteAttributes {
  readonly name: string;
  readonly capacity: number;
  readonly travelDurationSeconds: number;
}

interface RideAttributes {
  readonly routeId: string;
  readonly state: 'boarding' | 'in_transit';
  /** How many ride (the status does not name them; the manifests do). */
  readonly characters: number;
  readonly boardingUntil: string;
  readonly arrivalAt: string;
}

/** GET /api/transports/manifests (issue 14). */
interface ManifestAttributes {
  readonly kind: 'scheduled' | 'instance';
  readonly routeId: string;
  readonly routeName: string;
  readonly characterId: number;
  readonly boardedAt: string | null;
  readonly endedAt: string | null;
  readonly outcome: string;
  readonly reason: string | null;
}

let visible = false;
let ticker: ReturnType<typeof setInterval> | undefined;

/** Time left counts down in the page, on the server's clock, between the events that reload the view. */
function tick(): void {
  const now = serverNow();
  for (const cell of document.querySelectorAll<HTMLTimeElement>('#view-rides time.time-left')) {
    cell.textContent = duration(Date.parse(cell.getAttribute('datetime') ?? '') - now);
  }
}

/** The ids of those aboard an instance route now, from its manifest entries. */
function ridersOf(manifests: readonly ManifestAttributes[], routeId: string): string {
  const ids = manifests
    .filter((entry) => entry.kind === 'instance' && entry.routeId === routeId && entry.outcome === 'aboard')
    .map((entry) => entry.characterId);
  return ids.length > 0 ? `: ${ids.join(', ')}` : '';
}

async function liveRides(manifests: readonly ManifestAttributes[]): Promise<HTMLElement> {
  const routes = await get<Document<InstanceRouteAttributes>>('/api/transports/instance-routes');
  const statuses = await Promise.all(
    routes.data.map((route) =>
      get<Document<RideAttributes>>(`/api/transports/instance-routes/${route.id}/status`),
    ),
  );
  const now = serverNow();
  const rows = routes.data.flatMap((route, index) =>
    statuses[index]!.data.map(({ attributes: ride }) => {
      const until = ride.state === 'boarding' ? ride.boardingUntil : ride.arrivalAt;
      return h(
        'tr',
        {},
        h('th', { scope: 'row' }, route.attributes.name),
        h('td', {}, ride.state),
        h('td', {}, `${ride.characters} of ${route.attributes.capacity}`, ridersOf(manifests, route.id)),
        h('td', {}, h('time', { class: 'time-left', datetime: until }, duration(Date.parse(until) - now))),
      );
    }),
  );
  if (rows.length === 0) {
    return h('p', { class: 'muted' }, `No ride under way on the ${routes.data.length} instance routes.`);
  }
  return table('Rides under way', ['Route', 'State', 'Riders', 'Time left'], rows);
}

function lastRides(manifests: readonly ManifestAttributes[]): HTMLElement {
  const last = [...manifests]
    .sort((a, b) => Date.parse(b.boardedAt ?? '') - Date.parse(a.boardedAt ?? ''))
    .slice(0, 30);
  if (last.length === 0) return h('p', { class: 'muted' }, 'No ride recorded yet.');
  return table(
    'Last rides',
    ['Route', 'Kind', 'Character', 'Boarded', 'Ended', 'Outcome'],
    last.map((entry) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, entry.routeName),
        h('td', {}, entry.kind),
        h('td', {}, h('a', { href: `#character/${entry.characterId}` }, String(entry.characterId))),
        h('td', {}, timeText(entry.boardedAt ?? '')),
        h('td', {}, timeText(entry.endedAt ?? '')),
        h('td', {}, entry.outcome, entry.reason ? ` (${entry.reason})` : ''),
      ),
    ),
  );
}

async function render(): Promise<void> {
  let manifests: ManifestAttributes[] = [];
  let unavailable: string | undefined;
  try {
    const document = await get<Document<ManifestAttributes>>('/api/transports/manifests');
    manifests = document.data.map((entry) => entry.attributes);
  } catch (error) {
    // A server without manifests still shows its rides.
    unavailable = `Manifests unavailable: ${(error as Error).message}`;
  }
  const live = await liveRides(manifests);
  fill(
    byId('view-rides'),
    h('h2', { id: 'rides-heading' }, 'Instance rides'),
    h('h3', {}, 'Under way'),
    live,
    h('h3', {}, 'Last rides'),
    unavailable ? h('p', { class: 'muted' }, unavailable) : lastRides(manifests),
  );
}

onEvent('EVENT_TOPIC_INSTANCE_TRANSPORT', () => {
  if (visible) void attempt(render);
});

export const ridesView: View = {
  name: 'rides',
  async show() {
    visible = true;
    clearInterval(ticker);
    ticker = setInterval(tick, 1000);
    await render();
  },
  hide() {
    visible = false;
    clearInterval(ticker);
    ticker = undefined;
  },
};
