import { attempt } from './alerts.js';
import { type Document, get, type Resource, type Single, serverNow } from './api.js';
import { byId, clockText, fill, h } from './dom.js';
import { onEvent, routeIdOf } from './events.js';
import type { View } from './main.js';
import { type RouteControl, routePanel, updateRoutePanel } from './route-panel.js';
import { type TimelineRoute, type TripAttributes, timeline, type VesselAttributes } from './timeline.js';

interface RouteAttributes {
  readonly name: string;
  readonly state: string;
  readonly nextState: string;
  readonly nextTransitionAt: string;
  readonly startMapId: number;
  readonly destinationMapId: number;
}

const routes = new Map<string, Resource<RouteAttributes>>();
const trips = new Map<string, TripAttributes[]>();
const controls = new Map<string, RouteControl | null>();
let vessels: Resource<VesselAttributes>[] = [];
let ticker: ReturnType<typeof setInterval> | undefined;
let open: string | undefined;
/** The nextTransitionAt a refresh was last asked for, so that a countdown at zero asks once, not each second. */
const askedAt = new Map<string, string>();

function tripsOf(resource: Resource<unknown>, included: readonly Resource[] | undefined): TripAttributes[] {
  const ids = new Set((resource.relationships?.schedule?.data ?? []).map((ref) => ref.id));
  return (included ?? [])
    .filter((item) => item.type === 'trip-schedule' && ids.has(item.id))
    .map((item) => item.attributes as unknown as TripAttributes);
}

async function loadControl(routeId: string): Promise<void> {
  try {
    const document = await get<Single<RouteControl>>(`/api/transports/routes/${routeId}/control`);
    controls.set(routeId, document.data.attributes);
  } catch {
    // A server without trip control: the row shows no control state; the panel's buttons report the error.
    controls.set(routeId, null);
  }
}

function stateText(routeId: string): string {
  const route = routes.get(routeId)!;
  const control = controls.get(routeId);
  const notes = [control?.held ? 'held' : '', control?.outOfService ? 'out of service' : ''].filter(Boolean);
  return notes.length > 0 ? `${route.attributes.state} (${notes.join(', ')})` : route.attributes.state;
}

function row(route: Resource<RouteAttributes>): HTMLTableRowElement {
  const { attributes } = route;
  return h(
    'tr',
    { 'data-route-id': route.id },
    h('th', { scope: 'row' }, attributes.name),
    h('td', { class: 'state' }, stateText(route.id)),
    h('td', { class: 'next-state' }, attributes.nextState),
    h('td', {}, h('time', { class: 'countdown', datetime: attributes.nextTransitionAt }, '')),
    h(
      'td',
      {},
      h(
        'button',
        {
          type: 'button',
          'aria-expanded': open === route.id ? 'true' : 'false',
          'aria-controls': 'route-panel',
          onclick: () => void attempt(() => openPanel(route.id)),
        },
        `Details of ${attributes.name}`,
      ),
    ),
  );
}

function tick(): void {
  const now = serverNow();
  for (const cell of document.querySelectorAll<HTMLTimeElement>('#view-board time.countdown')) {
    const at = cell.getAttribute('datetime') ?? '';
    const remaining = Date.parse(at) - now;
    cell.textContent = Number.isNaN(remaining) ? '—' : clockText(remaining);
    const routeId = cell.closest('tr')?.dataset.routeId;
    // The transition is due: the event stream will say so, but a missed event must not leave a stale row.
    if (routeId && remaining <= 0 && askedAt.get(routeId) !== at) {
      askedAt.set(routeId, at);
      void attempt(() => refreshRoute(routeId));
    }
  }
}

function renderTimeline(): void {
  const lanes = new Map<string, TimelineRoute>();
  for (const route of routes.values()) {
    lanes.set(route.id, { id: route.id, name: route.attributes.name, trips: trips.get(route.id) ?? [] });
  }
  fill(byId('board-timeline'), timeline(lanes, vessels, serverNow()));
}

function render(): void {
  fill(
    byId('view-board'),
    h('h2', { id: 'board-heading' }, 'Departure board'),
    h(
      'table',
      { 'aria-labelledby': 'board-heading' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Route'),
          h('th', { scope: 'col' }, 'State'),
          h('th', { scope: 'col' }, 'Next state'),
          h('th', { scope: 'col' }, 'Next transition in'),
          h('th', { scope: 'col' }, 'Details'),
        ),
      ),
      h('tbody', { id: 'board-rows' }, ...[...routes.values()].map(row)),
    ),
    h('div', { id: 'route-panel', class: 'panel', hidden: open === undefined }),
    h('h3', {}, "Today's trips per vessel"),
    h('div', { id: 'board-timeline' }),
  );
  renderTimeline();
  tick();
}

/** One route again (an event named it, or its countdown ran out): its row, and its panel if open. */
async function refreshRoute(routeId: string): Promise<void> {
  if (!routes.has(routeId)) return;
  const document = await get<Single<RouteAttributes>>(`/api/transports/routes/${routeId}`);
  routes.set(routeId, document.data);
  trips.set(routeId, tripsOf(document.data, document.included));
  await loadControl(routeId);
  updateRow(document.data);
  renderTimeline();
  tick();
  if (open === routeId) await updateRoutePanel(routeId, controls.get(routeId) ?? null);
}

/** In place, not replaced: a keyboard user's focus on the row's button stays where it is. */
function updateRow(route: Resource<RouteAttributes>): void {
  const tableRow = byId('view-board').querySelector(`tr[data-route-id="${CSS.escape(route.id)}"]`);
  if (!tableRow) return;
  tableRow.querySelector('.state')!.textContent = stateText(route.id);
  tableRow.querySelector('.next-state')!.textContent = route.attributes.nextState;
  tableRow.querySelector('time.countdown')!.setAttribute('datetime', route.attributes.nextTransitionAt);
}

async function openPanel(routeId: string): Promise<void> {
  open = routeId;
  for (const button of byId('board-rows').querySelectorAll('button[aria-controls]')) {
    button.setAttribute('aria-expanded', String(button.closest('tr')?.dataset.routeId === routeId));
  }
  const route = routes.get(routeId)!;
  await routePanel(byId('route-panel'), route.id, route.attributes.name, controls.get(routeId) ?? null, () =>
    refreshRoute(routeId),
  );
}

onEvent('EVENT_TOPIC_TRANSPORT_STATUS', (event) => {
  const routeId = routeIdOf(event);
  if (ticker !== undefined && routeId) void attempt(() => refreshRoute(routeId));
});

export const boardView: View = {
  name: 'board',
  async show() {
    clearInterval(ticker);
    ticker = setInterval(tick, 1000);
    const [document, vesselDocument] = await Promise.all([
      get<Document<RouteAttributes>>('/api/transports/routes?include=schedule'),
      get<Document<VesselAttributes>>('/api/transports/vessels').catch(() => ({ data: [] })),
    ]);
    routes.clear();
    for (const route of document.data) {
      routes.set(route.id, route);
      trips.set(route.id, tripsOf(route, document.included));
    }
    vessels = vesselDocument.data;
    await Promise.all([...routes.keys()].map(loadControl));
    if (open !== undefined && !routes.has(open)) open = undefined;
    render();
    if (routes.size === 0)
      byId('board-rows').append(h('tr', {}, h('td', { colspan: 5 }, 'No scheduled route for this tenant.')));
    if (open !== undefined) await openPanel(open);
  },
  hide() {
    clearInterval(ticker);
    ticker = undefined;
  },
};
