// REST errors are JSON arrays: [{"message":"...","errorCode":"..."}], plus "fields" for record errors.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm

/** A per-record error inside SaveResult-style answers (collections, composite, SOAP). */
export interface ErrorItem {
  statusCode: string;
  message: string;
  fields: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJson(): Array<Record<string, unknown>> {
    const item: Record<string, unknown> = { message: this.message, errorCode: this.errorCode };
    if (this.fields) item.fields = this.fields;
    return [item];
  }

  static fromItems(status: number, items: ErrorItem[]): ApiError {
    const first = items[0] ?? { statusCode: 'UNKNOWN_EXCEPTION', message: 'unknown error', fields: [] };
    const err = new ApiError(status, first.statusCode, first.message, first.fields);
    err.items = items;
    return err;
  }

  /** All items when the error came from several record errors (REST single-record writes list them all). */
  items: ErrorItem[] | undefined;

  body(): Array<Record<string, unknown>> {
    if (!this.items) return this.toJson();
    return this.items.map((i) => ({ message: i.message, errorCode: i.statusCode, fields: i.fields }));
  }
}

export const notFound = (): ApiError => new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');

export const sessionInvalid = (): ApiError => new ApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

export const limitExceeded = (): ApiError => new ApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');

export const methodNotAllowed = (method: string, allowed: string[]): ApiError =>
  new ApiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(',')}`);
