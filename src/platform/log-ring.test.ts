import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RecentErrors } from './log-ring.js';
import { createLogger } from './logging.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the recent errors ring', () => {
  it('keeps the last warn and error records, newest first, and drops the oldest when full', async () => {
    const ring = new RecentErrors(3);
    const logger = createLogger('debug', new PassThrough(), ring);
    logger.debug('no');
    logger.info('no');
    for (const n of [1, 2, 3, 4]) logger.warn({ n }, `warning ${n}`);
    await settle();
    expect(ring.list().map((record) => [record.id, record.msg, record.n])).toEqual([
      ['4', 'warning 4', 4],
      ['3', 'warning 3', 3],
      ['2', 'warning 2', 2],
    ]);
  });

  it('keeps only the gist of a record whose line is very long', async () => {
    const ring = new RecentErrors();
    const logger = createLogger('info', new PassThrough(), ring);
    logger.error(
      { err: new Error('pool broke'), client: { dump: 'x'.repeat(20_000) } },
      'idle connection failed',
    );
    await settle();
    expect(ring.list()).toEqual([
      {
        id: '1',
        level: 'error',
        time: expect.any(String),
        msg: 'idle connection failed',
        err: { message: 'pool broke' },
        truncated: true,
      },
    ]);
  });

  it('gets nothing when the logger is silent', async () => {
    const ring = new RecentErrors();
    createLogger('silent', new PassThrough(), ring).error('unseen');
    await settle();
    expect(ring.list()).toEqual([]);
  });
});
