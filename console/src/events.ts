import { currentTenant, tenantQuery } from './api.js';

/** What the server's event stream carries (GET /api/events): the bus message, under its topic's name. */
export interface StreamEvent {
  readonly topic: string;
  readonly key: string;
  readonly value: Record<string, unknown>;
}

type Listener = (event: StreamEvent) => void;

/** The topics the stream carries, by the variable name it uses as the SSE event name. */
const TOPICS = [
  'EVENT_TOPIC_TRANSPORT_STATUS',
  'EVENT_TOPIC_INSTANCE_TRANSPORT',
  'EVENT_TOPIC_CHARACTER_STATUS',
] as const;

const listeners = new Map<string, Set<Listener>>();
let source: EventSource | undefined;

export function onEvent(topic: (typeof TOPICS)[number], listener: Listener): void {
  const set = listeners.get(topic) ?? new Set<Listener>();
  listeners.set(topic, set);
  set.add(listener);
}

function dispatch(name: string, message: MessageEvent<string>): void {
  let event: StreamEvent;
  try {
    event = JSON.parse(message.data) as StreamEvent;
  } catch {
    return;
  }
  for (const listener of listeners.get(name) ?? []) listener(event);
}

/**
 * One stream per chosen tenant; the browser reconnects by itself after a drop, and `resync` then reloads the
 * view, since the events sent meanwhile are lost.
 */
export function connectEvents(status: (text: string) => void, resync: () => void): void {
  source?.close();
  source = undefined;
  if (!currentTenant()) return;
  const stream = new EventSource(`/api/events?${tenantQuery()}`);
  source = stream;
  let dropped = false;
  stream.addEventListener('open', () => {
    status('live');
    if (dropped) resync();
    dropped = false;
  });
  stream.addEventListener('error', () => {
    dropped = true;
    status(stream.readyState === EventSource.CLOSED ? 'off' : 'reconnecting');
  });
  for (const topic of TOPICS) stream.addEventListener(topic, (message) => dispatch(topic, message));
}

/** The route a transports event is about, wherever the message keeps it. */
export function routeIdOf(event: StreamEvent): string | undefined {
  const body = event.value.body as Record<string, unknown> | undefined;
  const id = event.value.routeId ?? body?.routeId;
  return typeof id === 'string' ? id : undefined;
}
