// The load generator when Debian's wrk is missing (`apt-get install wrk` is lighter and preferred), in its own
// process: CONCURRENCY keep-alive connections issue GETs back to back for SECONDS, rotating over the paths.
// Prints {"rate": requests/s}; any answer but 200 fails the run.
import http from 'node:http';

const [base, concurrencyText, secondsText, pathsText, headersText] = process.argv.slice(2);
const target = new URL(base!);
const paths = pathsText!.split(' ');
const headers = JSON.parse(headersText!) as Record<string, string>;
const concurrency = Number(concurrencyText);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

const get = (path: string) =>
  new Promise<void>((resolve, reject) => {
    const request = http.get(
      { host: target.hostname, port: target.port, path, agent, headers },
      (response) => {
        if (response.statusCode !== 200) reject(new Error(`${path}: status ${response.statusCode}`));
        response.resume();
        response.on('end', resolve);
      },
    );
    request.on('error', reject);
  });

let next = 0;
let count = 0;
const begin = performance.now();
const deadline = begin + Number(secondsText) * 1000;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      await get(paths[next++ % paths.length]!);
      count++;
    }
  }),
);
agent.destroy();
process.stdout.write(`${JSON.stringify({ rate: (count * 1000) / (performance.now() - begin) })}\n`);
