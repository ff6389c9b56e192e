/**
 * The one error type mapped to HTTP. Handlers and parsers throw it; the server's error handler writes it as a
 * JSON:API error document with the same status.
 */
export interface ErrorSource {
  readonly pointer?: string;
  readonly parameter?: string;
  readonly header?: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly source?: ErrorSource,
  ) {
    super(detail ?? title);
  }
}

export const badRequest = (detail: string, source?: ErrorSource) =>
  new HttpError(400, 'Bad Request', detail, source);
export const notFound = (detail: string) => new HttpError(404, 'Not Found', detail);
export const conflict = (detail: string, source?: ErrorSource) =>
  new HttpError(409, 'Conflict', detail, source);

export interface ErrorDocument {
  errors: Array<{ status: string; title: string; detail?: string; source?: ErrorSource }>;
}

export function errorDocument(error: HttpError): ErrorDocument {
  const entry: ErrorDocument['errors'][number] = { status: String(error.status), title: error.title };
  if (error.detail !== undefined) entry.detail = error.detail;
  if (error.source !== undefined) entry.source = error.source;
  return { errors: [entry] };
}
