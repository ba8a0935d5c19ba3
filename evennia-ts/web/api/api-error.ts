/**
 * The REST API's errors: every failure is answered as
 * `{"error": {"code": "...", "message": "..."}}` with the matching HTTP status.
 */
import type { Response } from "express";
import { EvenniaError, type EvenniaErrorCode } from "../../utils/errors.ts";

/** Stable codes of API errors (the `error.code` of a response body). */
export type ApiErrorCode =
  | "bad_json"
  | "bad_request"
  | "bad_param"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "precondition_failed"
  | "payload_too_large"
  | "unsupported_media_type"
  | "too_many_requests"
  | "internal";

/** The framework's error code for an HTTP status (what a log or a caller outside the API sees). */
export function evenniaCodeForStatus(status: number): EvenniaErrorCode {
  if (status === 401 || status === 403) return "EV_ERR_LOCK_DENIED";
  if (status === 404) return "EV_ERR_NOT_FOUND";
  if (status === 413 || status === 429) return "EV_ERR_LIMIT";
  if (status >= 400 && status < 500) return "EV_ERR_BAD_INPUT";
  return "EV_ERR_INTERNAL";
}

/** An error answered to the client as it is; `apiCode` is the response body's `error.code`. */
export class ApiError extends EvenniaError {
  constructor(
    readonly status: number,
    readonly apiCode: ApiErrorCode,
    message: string,
    /** Extra response headers (`WWW-Authenticate`, `Allow`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(evenniaCodeForStatus(status), message);
  }
}

/** 400: the request's data is wrong. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, "bad_request", message);
}

/** 403: the account may not do this. */
export function forbidden(message: string): ApiError {
  return new ApiError(403, "forbidden", message);
}

/** 404: no such resource. */
export function notFound(message: string): ApiError {
  return new ApiError(404, "not_found", message);
}

/** 409: the change conflicts with the game's state (a name taken, a hook refused). */
export function conflict(message: string): ApiError {
  return new ApiError(409, "conflict", message);
}

/**
 * The API error for anything thrown while answering: an {@link ApiError} as it is,
 * the framework's input errors as 400/403/404, a client error express itself
 * raised (a malformed path) with its status, anything else as 500 (whose
 * message names only `incident`, the id the log has the trace under).
 */
export function toApiError(err: unknown, incident: string): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof EvenniaError) {
    switch (err.code) {
      case "EV_ERR_BAD_INPUT":
      case "EV_ERR_TYPECLASS":
      case "EV_ERR_BAD_LOCK":
      case "EV_ERR_SERIALIZE":
        return badRequest(err.message);
      case "EV_ERR_LOCK_DENIED":
        return forbidden(err.message);
      case "EV_ERR_NOT_FOUND":
        return notFound(err.message);
      default:
        break;
    }
  }
  const status = clientErrorStatus(err);
  if (status !== null) return new ApiError(status, CODE_BY_STATUS[status] ?? "bad_request", (err as Error).message || "bad request");
  return new ApiError(500, "internal", `internal error (incident ${incident})`);
}

/**
 * The 4xx status an error from express's own machinery carries (a path parameter
 * with a malformed %-escape is a `URIError` with status 400), or null.
 */
function clientErrorStatus(err: unknown): number | null {
  if (!(err instanceof Error)) return null;
  const { status, statusCode, expose } = err as Error & { status?: unknown; statusCode?: unknown; expose?: unknown };
  const value = typeof status === "number" ? status : statusCode;
  return typeof value === "number" && value >= 400 && value < 500 && expose !== false ? value : null;
}

/** Send `err` as the JSON error body. */
export function sendApiError(res: Response, err: ApiError): void {
  for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  // end(), not send(): an error body gets no ETag
  res.status(err.status).type("application/json").end(JSON.stringify({ error: { code: err.apiCode, message: err.message } }));
}

const CODE_BY_STATUS: Record<number, ApiErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  412: "precondition_failed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "too_many_requests",
};

/**
 * The JSON error body for an answer the web app gives under `/api` outside the
 * API's router (a failed Basic login, an unknown path, a body the parser refused),
 * so every API error has one shape. `type` is the body parser's error type.
 */
export function apiErrorBody(status: number, message: string, type?: string): { error: { code: string; message: string } } {
  const code = type === "entity.parse.failed" ? "bad_json" : (CODE_BY_STATUS[status] ?? (status >= 500 ? "internal" : "bad_request"));
  return { error: { code, message } };
}
