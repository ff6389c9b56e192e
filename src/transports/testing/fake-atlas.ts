import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Field } from '../../platform/fields.js';

interface Portal {
  readonly id: number;
  readonly type: number;
  readonly targetMapId: number;
}

const fieldKey = (tenantId: string, field: Field) =>
  `${tenantId}/${field.worldId}/${field.channelId}/${field.mapId}/${field.instance}`;

/**
 * Test stand-ins for the Atlas services transports calls over REST: atlas-maps (who is in a field),
 * atlas-data (portals) and atlas-tenants (tenants and configuration). Tests place characters, make
 * look-ups fail, and read which requests were made.
 */
export class FakeAtlas {
  readonly requests: string[] = [];
  /** Map ids whose presence look-up answers 500. */
  readonly failingMaps = new Set<number>();
  /** Map ids whose portal look-up answers 500. */
  readonly failingPortals = new Set<number>();
  readonly portals = new Map<number, Portal[]>();
  tenants: unknown[] = [];
  readonly configurations = new Map<
    string,
    { routes: unknown[]; vessels: unknown[]; 'instance-routes': unknown[] }
  >();
  tenantsAvailable = true;
  /** While set, presence look-ups wait for it: a test can subscribe before start-up look-ups answer. */
  presenceGate: Promise<void> | undefined;
  private readonly occupants = new Map<string, Set<number>>();
  private readonly where = new Map<string, string>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  place(tenantId: string, characterId: number, field: Field): void {
    this.remove(tenantId, characterId);
    const key = fieldKey(tenantId, field);
    let set = this.occupants.get(key);
    if (!set) {
      set = new Set();
      this.occupants.set(key, set);
    }
    set.add(characterId);
    this.where.set(`${tenantId}/${characterId}`, key);
  }

  remove(tenantId: string, characterId: number): void {
    const key = this.where.get(`${tenantId}/${characterId}`);
    if (key) this.occupants.get(key)?.delete(characterId);
    this.where.delete(`${tenantId}/${characterId}`);
  }

  private handle(request: IncomingMessage, response: ServerResponse): unknown {
    // Answers whole lists, without `meta`, as the reference's services do: page parameters are ignored.
    const url = (request.url ?? '').split('?')[0]!;
    this.requests.push(url);
    const send = (status: number, body?: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body === undefined ? '' : JSON.stringify(body));
    };
    const characters =
      /^\/worlds\/(\d+)\/channels\/(\d+)\/maps\/(\d+)\/instances\/([0-9a-f-]+)\/characters$/.exec(url);
    if (characters) {
      const [, world, channel, map, instance] = characters;
      const answer = () => {
        if (this.failingMaps.has(Number(map))) return send(500);
        const tenantId = String(request.headers.tenant_id ?? '');
        const key = fieldKey(tenantId, {
          worldId: Number(world),
          channelId: Number(channel),
          mapId: Number(map),
          instance: instance!,
        });
        const ids = [...(this.occupants.get(key) ?? [])].sort((a, b) => a - b);
        send(200, { data: ids.map((id) => ({ type: 'characters', id: String(id), attributes: {} })) });
      };
      return this.presenceGate ? this.presenceGate.then(answer) : answer();
    }
    const portals = /^\/data\/maps\/(\d+)\/portals$/.exec(url);
    if (portals) {
      const mapId = Number(portals[1]);
      if (this.failingPortals.has(mapId)) return send(500);
      const list = this.portals.get(mapId) ?? [];
      return send(200, {
        data: list.map((p) => ({
          type: 'portals',
          id: String(p.id),
          attributes: {
            name: `p${p.id}`,
            target: '',
            type: p.type,
            x: 0,
            y: 0,
            targetMapId: p.targetMapId,
            scriptName: '',
          },
        })),
      });
    }
    if (url === '/tenants') return this.tenantsAvailable ? send(200, { data: this.tenants }) : send(503);
    const configuration = /^\/tenants\/([0-9a-f-]+)\/configurations\/(routes|vessels|instance-routes)$/.exec(
      url,
    );
    if (configuration) {
      const lists = this.configurations.get(configuration[1]!);
      if (!lists || !this.tenantsAvailable) return send(404);
      return send(200, { data: lists[configuration[2] as 'routes'] });
    }
    send(404);
  }
}
