/** One field's problem, as the server names it: a dotted path such as `parties.0.name`. */
export interface FieldError {
  field: string;
  message: string;
  validator?: string;
}

/** The server's one error shape: `{"error": {status, code, message, field_errors, details}}`. */
export interface ErrorBody {
  status: number;
  code: string;
  message: string;
  field_errors?: FieldError[];
  details?: Record<string, unknown>;
}

/** Status 0: the request never got an answer (offline, server down, connection dropped). */
export const NETWORK_ERROR = 'network_error';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: FieldError[];
  readonly details: Record<string, unknown>;
  /** Seconds the server asked us to wait (429 Retry-After). */
  readonly retryAfter: number | null;

  constructor(body: ErrorBody, retryAfter: number | null = null) {
    super(body.message);
    this.name = 'ApiError';
    this.status = body.status;
    this.code = body.code;
    this.fieldErrors = body.field_errors ?? [];
    this.details = body.details ?? {};
    this.retryAfter = retryAfter;
  }

  get isNetworkError(): boolean {
    return this.status === 0;
  }

  /** Worth sending again unchanged: no answer, or the server failed rather than refused. */
  get isTransient(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }
}

export function networkError(cause: unknown): ApiError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new ApiError({ status: 0, code: NETWORK_ERROR, message });
}

/**
 * The ApiError for a failed response. A body that is not our shape (a proxy's HTML page, an
 * empty 502) still yields an ApiError with the HTTP status, so callers handle one type.
 */
export function apiErrorFrom(response: Pick<Response, 'status' | 'statusText' | 'headers'>, body: unknown): ApiError {
  const parsed = errorBodyOf(body);
  const retryAfter = retryAfterSeconds(response.headers.get('Retry-After'));
  if (parsed) return new ApiError({ ...parsed, status: parsed.status || response.status }, retryAfter);
  return new ApiError(
    { status: response.status, code: `http_${response.status}`, message: response.statusText || `HTTP ${response.status}` },
    retryAfter,
  );
}

function errorBodyOf(body: unknown): ErrorBody | null {
  if (!isRecord(body) || !isRecord(body.error)) return null;
  const error = body.error;
  if (typeof error.code !== 'string' || typeof error.message !== 'string') return null;
  return {
    status: typeof error.status === 'number' ? error.status : 0,
    code: error.code,
    message: error.message,
    field_errors: Array.isArray(error.field_errors) ? error.field_errors.filter(isFieldError) : [],
    details: isRecord(error.details) ? error.details : {},
  };
}

function isFieldError(value: unknown): value is FieldError {
  return isRecord(value) && typeof value.field === 'string' && typeof value.message === 'string';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Retry-After is either seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null, now: number = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}
