import { Writable } from 'node:stream';

/** One warn/error line as pino wrote it (JSON), kept for the operator's console. */
export type LogRecord = Record<string, unknown> & { readonly level: string; readonly time: string };

/** A record's line beyond this (a pg client dumped whole, a long stack) is kept as its gist. */
const MAX_LINE = 8_192;

function shortened(record: LogRecord, length: number): LogRecord {
  if (length <= MAX_LINE) return record;
  const err = record.err as { message?: unknown } | undefined;
  return {
    level: record.level,
    time: record.time,
    ...(record.msg !== undefined ? { msg: record.msg } : {}),
    ...(err?.message !== undefined ? { err: { message: err.message } } : {}),
    truncated: true,
  };
}

/**
 * The last `limit` warn/error records, for `GET /api/admin/errors`: a pino stream of its own, so that the
 * records are the lines stdout gets, and the oldest go first when full.
 */
export class RecentErrors extends Writable {
  private readonly records: LogRecord[] = [];
  private lastId = 0;

  constructor(private readonly limit = 200) {
    super({ decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() === '') continue;
      try {
        this.keep({ ...shortened(JSON.parse(line) as LogRecord, line.length), id: String(++this.lastId) });
      } catch {
        // pino writes one JSON object per line; anything else is not a record.
      }
    }
    done();
  }

  /** Newest first. */
  list(): readonly LogRecord[] {
    return [...this.records].reverse();
  }

  private keep(record: LogRecord): void {
    this.records.push(record);
    if (this.records.length > this.limit) this.records.shift();
  }
}
