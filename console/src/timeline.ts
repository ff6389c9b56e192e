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
        { role: 'list', 'aria-label': lane.label, transform: `translate(0 ${index * LANE})` },
        svg('text', { x: -176, y: 15 }, lane.label),
        ...lane.parts.flatMap(({ route, side }) =>
          route.trips.map((trip) => {
            const label = `${route.name}: boards ${hhmm(trip.boardingOpen)}, departs ${hhmm(trip.departure)}, arrives ${hhmm(trip.arrival)}`;
            return svg(
              'rect',
              {
                class: side,
                role: 'listitem',
                'aria-label': label,
                x: x(trip.boardingOpen),
                y: 4,
                width: Math.max(1, x(trip.arrival) - x(trip.boardingOpen)),
                height: LANE - 8,
              },
              svg('title', {}, label),
            );
          }),
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
