import { type ChildProcess, spawn } from 'node:child_process';

/**
 * librdkafka's built-in mock cluster, hosted by Debian's kcat: it speaks the Kafka protocol on loopback, so the
 * adapter is tested against a real wire peer without a broker installation. `.ci/run` installs kcat.
 */
export async function startMockCluster(): Promise<{ brokers: string[]; stop(): void }> {
  const child: ChildProcess = spawn(
    'kcat',
    [
      '-C',
      '-t',
      'warmup',
      '-b',
      'dummy:9092',
      '-X',
      'test.mock.num.brokers=1',
      '-X',
      'debug=mock',
      '-o',
      'end',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const brokers = await new Promise<string[]>((resolve, reject) => {
    let output = '';
    child.once('error', (error) =>
      reject(new Error(`kcat is needed for the Kafka tests (apt-get install kcat): ${error.message}`)),
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /bootstrap\.servers=([0-9.:,]+)/.exec(output);
      if (match) resolve(match[1]!.split(','));
    });
    child.once('exit', (code) => reject(new Error(`kcat exited with ${code}: ${output.slice(-500)}`)));
  });
  child.stderr?.removeAllListeners('data');
  child.stderr?.resume();
  return { brokers, stop: () => child.kill('SIGTERM') };
}
