/**
 * One route of the REST API, as the route table declares it: what the router
 * mounts and what `openapi.json` describes come from the same declaration.
 */
import type { Request } from "express";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import type { WebContext } from "../web-context.ts";
import type { JsonSchema } from "./body-fields.ts";

/** HTTP methods the API routes use. */
export type ApiMethod = "get" | "post" | "put" | "patch" | "delete";

/** What a handler is called with. */
export interface ApiCall {
  req: Request;
  ctx: WebContext;
  /** The logged-in account (null only on routes with `auth: "none"`). */
  account: DefaultAccount | null;
  /** Path parameters. */
  params: Record<string, string>;
  /** The query string, one value per name. */
  query: Record<string, string>;
  /** The parsed JSON body (undefined when none was sent). */
  body: unknown;
}

/** What a handler answers. */
export interface ApiReply {
  status: number;
  /** Sent as JSON (GETs and changes get an ETag of it); absent for 204. */
  body?: unknown;
  /** A `Location` header (201 Created). */
  location?: string;
}

/** A documented query parameter. */
export interface ApiParameter {
  name: string;
  description: string;
  schema: JsonSchema;
}

/** One route. */
export interface ApiRoute {
  method: ApiMethod;
  /** OpenAPI-style path below `/api` (`/objects/{id}`); the router mounts it as `/objects/:id`. */
  path: string;
  /** One line for the OpenAPI `summary`. */
  summary: string;
  /** OpenAPI tag (the resource's name). */
  tag: string;
  /** `account`: 401 without a logged-in account (the default); `none`: open. */
  auth?: "account" | "none";
  /** Query parameters (filters, paging) documented for it. */
  parameters?: ApiParameter[];
  /** JSON Schema of the request body, when it takes one. */
  requestBody?: JsonSchema;
  /** JSON Schema of a successful answer's body, and its status. */
  response: { status: number; description: string; schema?: JsonSchema };
  /** Answer the call. */
  handler(call: ApiCall): Promise<ApiReply>;
}
