import { attempt } from './alerts.js';
import { type Document, get, write } from './api.js';
import { fill, h, timeText } from './dom.js';

/** GET /api/transports/routes/{id}/control (branch trip-control). */
export interface RouteControl {
  readonly held: boolean;
  readonly heldSince: string | null;
  readonly holdReason: string | null;
  readonly outOfService: { from: string; until: string; reason: string } | null;
  readonly forcedDepartureAt: string | null;
  readonly state: string;
  readonly nextState: string;
  readonly nextTransitionAt: string;
}

interface PassengerAttributes {
  readonly characterId: number;
  readonly mapId: number;
  /** Null on the dock (not yet boarded). */
  readonly since: string | null;
}

/** datetime-local is the browser's local time without a zone; the API wants RFC 3339. */
function rfc3339(value: string): string {
  const date = new Date(value);
  return value === '' || Number.isNaN(date.getTime()) ? value : date.toISOString();
}

async function passengers(routeId: string): Promise<HTMLElement> {
  try {
    const document = await get<Document<PassengerAttributes>>(`/api/transports/routes/${routeId}/passengers`);
    if (document.data.length === 0) return h('p', { class: 'muted' }, 'Nobody aboard.');
    return h(
      'ul',
      { class: 'passengers' },
      ...document.data.map(({ attributes }) =>
        h(
          'li',
          {},
          h('a', { href: `#character/${attributes.characterId}` }, `Character ${attributes.characterId}`),
          attributes.since === null
            ? ` on the dock (map ${attributes.mapId})`
            : ` in map ${attributes.mapId} since ${timeText(attributes.since)}`,
        ),
      ),
    );
  } catch (error) {
    return h('p', { class: 'muted' }, `Passenger list unavailable: ${(error as Error).message}`);
  }
}

function controlSummary(control: RouteControl | null): HTMLElement {
  if (!control) return h('p', { class: 'muted' }, 'No trip control state from this server.');
  const lines = [
    control.held
      ? `Held since ${timeText(control.heldSince ?? '')}${control.holdReason ? `: ${control.holdReason}` : ''}`
      : 'Not held.',
    control.outOfService
      ? `Out of service ${timeText(control.outOfService.from)} to ${timeText(control.outOfService.until)}: ${control.outOfService.reason}`
      : 'No out-of-service period.',
    control.forcedDepartureAt ? `Departure forced at ${timeText(control.forcedDepartureAt)}` : '',
  ].filter(Boolean);
  return h('ul', { class: 'control-summary' }, ...lines.map((line) => h('li', {}, line)));
}

/**
 * The open route's panel: who is aboard, its trip control state and the operator's buttons (hold, release,
 * force departure, out-of-service period). Every action's error goes to the alert region; `changed` reloads
 * the route (row and panel) after an action.
 */
export async function routePanel(
  panel: HTMLElement,
  routeId: string,
  name: string,
  control: RouteControl | null,
  changed: () => Promise<void>,
): Promise<void> {
  const base = `/api/transports/routes/${routeId}/control`;
  const act = (action: () => Promise<unknown>) => () =>
    void attempt(async () => {
      await action();
      await changed();
    });
  const holdReason = h('input', { id: 'hold-reason', type: 'text', autocomplete: 'off' });
  const from = h('input', { id: 'outage-from', type: 'datetime-local', step: 1 });
  const until = h('input', { id: 'outage-until', type: 'datetime-local', step: 1 });
  const reason = h('input', { id: 'outage-reason', type: 'text', autocomplete: 'off' });
  const outage = h(
    'form',
    { 'aria-label': `Out-of-service period of ${name}` },
    h(
      'div',
      { class: 'form-row' },
      h('label', { for: 'outage-from' }, 'From'),
      from,
      h('label', { for: 'outage-until' }, 'Until'),
      until,
      h('label', { for: 'outage-reason' }, 'Reason'),
      reason,
    ),
    h(
      'div',
      { class: 'form-row' },
      h('button', { type: 'submit' }, 'Set out-of-service period'),
      h(
        'button',
        { type: 'button', onclick: act(() => write('DELETE', `${base}/out-of-service`)) },
        'Clear out-of-service period',
      ),
    ),
  );
  outage.addEventListener('submit', (event) => {
    event.preventDefault();
    act(() =>
      write('PUT', `${base}/out-of-service`, {
        data: {
          type: 'route-outages',
          attributes: { from: rfc3339(from.value), until: rfc3339(until.value), reason: reason.value },
        },
      }),
    )();
  });
  fill(
    panel,
    h('h3', { id: 'route-panel-heading' }, `Route ${name}`),
    h('h4', {}, 'Aboard now'),
    h('div', { id: 'route-passengers' }),
    h('h4', {}, 'Trip control'),
    h('div', { id: 'route-control' }),
    h(
      'div',
      { class: 'form-row' },
      h('label', { for: 'hold-reason' }, 'Hold reason'),
      holdReason,
      h(
        'button',
        {
          type: 'button',
          onclick: act(() =>
            write('PUT', `${base}/hold`, {
              data: { type: 'route-holds', attributes: { reason: holdReason.value } },
            }),
          ),
        },
        'Hold',
      ),
      h('button', { type: 'button', onclick: act(() => write('DELETE', `${base}/hold`)) }, 'Release'),
      h(
        'button',
        { type: 'button', onclick: act(() => write('POST', `${base}/departures`)) },
        'Force departure',
      ),
    ),
    outage,
  );
  panel.hidden = false;
  panel.setAttribute('aria-labelledby', 'route-panel-heading');
  await updateRoutePanel(routeId, control);
}

/**
 * The open panel's live parts, again (after an event or an action): the forms stay as they are, so that an
 * event arriving while the operator types does not wipe what they typed.
 */
export async function updateRoutePanel(routeId: string, control: RouteControl | null): Promise<void> {
  const aboard = await passengers(routeId);
  const passengerList = document.getElementById('route-passengers');
  const summary = document.getElementById('route-control');
  if (passengerList) fill(passengerList, aboard);
  if (summary) fill(summary, controlSummary(control));
}
