import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface MockAtlas {
  /** Root URL ending in /api/, as BASE_SERVICE_URL and the *_SERVICE_URL variables are. */
  readonly url: string;
  readonly requests: Array<{ path: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/** Answers for paths under /api/: a JSON:API document, or a bare status. */
export type MockRoutes = Record<string, object | number>;

/** Other Atlas services, played at the HTTP boundary by a real server on loopback. */
export async function mockAtlas(routes: MockRoutes): Promise<MockAtlas> {
  const requests: MockAtlas['requests'] = [];
  const server: Server = createServer((request, response) => {
    // Page parameters of a drained list are ignored: a whole list without `meta` is complete.
    const path = (request.url ?? '').split('?')[0]!.replace(/^\/api\//, '');
    requests.push({ path, headers: request.headers });
    const answer = routes[path];
    if (answer === undefined || typeof answer === 'number') {
      response.writeHead(answer ?? 404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
