/**
 * The OpenAPI 3.1 description of the REST API, made from the route table the
 * router mounts (so every mounted route is described, and nothing else).
 */
import type { ApiRoute } from "./api-route.ts";
import type { JsonSchema } from "./body-fields.ts";

const errorSchema: JsonSchema = {
  type: "object",
  required: ["error"],
  properties: { error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" } } } },
};

/** Error answers each kind of route may give. */
function errorResponses(route: ApiRoute): Record<string, unknown> {
  const ref = { description: "", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  const out: Record<string, unknown> = {};
  const add = (status: number, description: string) => (out[String(status)] = { ...ref, description });
  if (route.auth !== "none") {
    add(401, "Not logged in (send HTTP Basic credentials).");
    add(403, "Not allowed (permission or lock).");
  }
  if (route.parameters) add(400, "A bad query parameter.");
  if (route.path.includes("{")) add(404, "No such resource.");
  if (route.requestBody) {
    add(400, "Bad JSON or a bad field.");
    add(409, "Conflicts with the game (a name taken, a hook refused).");
    add(413, "The body is too large.");
    add(415, "The body is not JSON.");
  }
  if (route.method === "get") out["304"] = { description: "Not modified (If-None-Match)." };
  if (route.path.includes("{") && route.method !== "get") add(412, "If-Match names an old version.");
  return out;
}

/** The OpenAPI document of `routes`, served at `/api/openapi.json`. */
export function openApiDocument(routes: readonly ApiRoute[], info: { title: string; version: string; serverUrl: string; sessionCookie: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: m[1] === "id" ? "integer" : "string" } }));
    const conditional =
      route.method === "get"
        ? [{ name: "If-None-Match", in: "header", required: false, schema: { type: "string" }, description: "ETag of the copy you have: 304 when it is current." }]
        : route.path.includes("{")
          ? [{ name: "If-Match", in: "header", required: false, schema: { type: "string" }, description: "ETag of the version you change (or `*`): 412 when it has changed." }]
          : [];
    const operation: Record<string, unknown> = {
      operationId: `${route.method}${route.path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      summary: route.summary,
      tags: [route.tag],
      parameters: [...pathParams, ...conditional, ...(route.parameters ?? []).map((p) => ({ name: p.name, in: "query", required: false, description: p.description, schema: p.schema }))],
      responses: {
        [String(route.response.status)]: {
          description: route.response.description,
          ...(route.response.schema ? { content: { "application/json": { schema: route.response.schema } } } : {}),
          ...(route.method === "get" ? { headers: { ETag: { description: "Strong ETag of the body.", schema: { type: "string" } } } } : {}),
        },
        ...errorResponses(route),
      },
      ...(route.auth === "none" ? { security: [] } : {}),
    };
    if (route.requestBody) operation.requestBody = { required: true, content: { "application/json": { schema: route.requestBody } } };
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: "3.1.0",
    info: { title: info.title, version: info.version, description: "The game's REST API (see docs/web.md, REST API)." },
    servers: [{ url: info.serverUrl }],
    security: [{ basicAuth: [] }, { sessionCookie: [] }],
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        basicAuth: { type: "http", scheme: "basic", description: "An account's name and password." },
        sessionCookie: { type: "apiKey", in: "cookie", name: info.sessionCookie, description: "The website's login session (changes need a same-origin Origin header or the CSRF token)." },
      },
    },
  };
}
