import type { Resource } from './api.js';
import { h, svg, timeText } from './dom.js';

export interface TripAttributes {
  readonly boardingOpen: string;
  readonly boardingClosed: string;
  readonly departure: string;
  readonly arrival: string;
}

export interface VesselAttributes {
  readonly name: string;
  readonly routeAId: string | null;
  readonly routeBId: string | null;
  readonly turnaroundSeconds: number;
}

export interface TimelineRoute {
  readonly id: string;
  readonly name: string;
  readonly trips: readonly TripAttributes[];
}

const WIDTH = 960;
const LANE = 22;
const DAY_MS = 86_400_000;

function hhmm(iso: string): string {
  return new Date(iso).toISOString().slice(11, 16);
}

/** "Vessel boat: 72 trips of boat-a, 72 of boat-b; next departure 10:05 (boat-a)". */
function laneSummary(label: string, parts: readonly { route: TimelineRoute }[], now: number): string {
  const counts = parts.map(
    ({ route }, index) => `${route.trips.length}${index === 0 ? ' trips' : ''} of ${route.name}`,
  );
  const next = parts
    .flatMap(({ route }) => route.trips.map((trip) => ({ route, at: Date.parse(trip.departure) })))
    .filter((departure) => departure.at > now)
    .sort((a, b) => a.at - b.at)[0];
  const upcoming = next
    ? `; next departure ${hhmm(new Date(next.at).toISOString())} (${next.route.name})`
    : '';
  return `${label}: ${counts.join(', ')}${upcoming}`;
}

/**
 * Today's trips (UTC), one lane per hull: a vessel's two routes share its lane (colours a and b), so a
 * shared hull shows as one ship going back and forth; a route on no vessel has a lane of its own.
 */
export function timeline(
  routes: ReadonlyMap<string, TimelineRoute>,
  vessels: readonly Resource<VesselAttributes>[],
  now: number,
): HTMLElement {
  const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
  const x = (iso: string) => ((Date.parse(iso) - dayStart) / DAY_MS) * WIDTH;
  const lanes: { label: string; parts: { route: TimelineRoute; side: 'a' | 'b' }[] }[] = [];
  const placed = new Set<string>();
  for (const vessel of vessels) {
    const parts: { route: TimelineRoute; side: 'a' | 'b' }[] = [];
    const a = vessel.attributes.routeAId ? routes.get(vessel.attributes.routeAId) : undefined;
    const b = vessel.attributes.routeBId ? routes.get(vessel.attributes.routeBId) : undefined;
    if (a) parts.push({ route: a, side: 'a' });
    if (b) parts.push({ route: b, side: 'b' });
    for (const part of parts) placed.add(part.route.id);
    if (parts.length > 0) lanes.push({ label: `Vessel ${vessel.attributes.name}`, parts });
  }
  for (const route of routes.values()) {
    if (!placed.has(route.id)) lanes.push({ label: route.name, parts: [{ route, side: 'a' }] });
  }
  const hours = Array.from({ length: 25 }, (_, hour) => hour);
  const chart = svg(
    'svg',
    {
      class: 'timeline',
      width: WIDTH + 180,
      height: lanes.length * LANE + 24,
      viewBox: `-180 0 ${WIDTH + 180} ${lanes.length * LANE + 24}`,
      role: 'group',
      'aria-label': `Trips of ${new Date(dayStart).toISOString().slice(0, 10)} (UTC) per vessel`,
    },
    ...hours
      .filter((hour) => hour % 3 === 0)
      .map((hour) =>
        svg(
          'text',
          { x: (hour / 24) * WIDTH, y: lanes.length * LANE + 16 },
          `${String(hour).padStart(2, '0')}h`,
        ),
      ),
    ...lanes.map((lane, index) =>
      svg(
        'g',
        // One image per lane, its label a summary: 150 trips a day, each read out, would drown the page.
        {
          role: 'img',
          'aria-label': laneSummary(lane.label, lane.parts, now),
          transform: `translate(0 ${index * LANE})`,
        },
        svg('text', { x: -176, y: 15, 'aria-hidden': 'true' }, lane.label),
        ...lane.parts.flatMap(({ route, side }) =>
          route.trips.map((trip) =>
            svg(
              'rect',
              {
                class: side,
                x: x(trip.boardingOpen),
                y: 4,
                width: Math.max(1, x(trip.arrival) - x(trip.boardingOpen)),
                height: LANE - 8,
              },
              svg(
                'title',
                {},
                `${route.name}: boards ${hhmm(trip.boardingOpen)}, departs ${hhmm(trip.departure)}, arrives ${hhmm(trip.arrival)}`,
              ),
            ),
          ),
        ),
      ),
    ),
    svg('line', {
      class: 'now',
      x1: x(new Date(now).toISOString()),
      x2: x(new Date(now).toISOString()),
      y1: 0,
      y2: lanes.length * LANE,
    }),
  );
  return h('figure', {}, chart, h('figcaption', { class: 'muted' }, `Now: ${timeText(now)}; the red line.`));
}
