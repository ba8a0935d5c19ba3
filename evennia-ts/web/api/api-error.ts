/**
 * The REST API's errors: every failure is answered as
 * `{"error": {"code": "...", "message": "..."}}` with the matching HTTP status.
 */
import type { Response } from "express";
import { EvenniaError } from "../../utils/errors.ts";

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
  | "internal";

/** An error answered to the client as it is. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    /** Extra response headers (`WWW-Authenticate`, `Allow`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
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
 * the framework's input errors as 400/403/404, anything else as 500 (whose
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
  return new ApiError(500, "internal", `internal error (incident ${incident})`);
}

/** Send `err` as the JSON error body. */
export function sendApiError(res: Response, err: ApiError): void {
  for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  // end(), not send(): an error body gets no ETag
  res.status(err.status).type("application/json").end(JSON.stringify({ error: { code: err.code, message: err.message } }));
}
