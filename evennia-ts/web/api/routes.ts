/**
 * The REST API (`/api`): the route table of every resource, and the router made
 * from it. The router takes JSON bodies only (415 for other types; the web app
 * parses them: 400 for bad JSON, 413 above `webMaxBodyBytes`), asks for CSRF proof on changes made with the
 * website session (HTTP Basic needs none), answers every GET with a strong ETag
 * (304 on `If-None-Match`), and every failure as `{"error": {"code", "message"}}`.
 * See docs/web.md, "REST API".
 */
import { randomBytes } from "node:crypto";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { getLogger } from "../../utils/logger.ts";
import type { WebContext } from "../web-context.ts";
import { accountResource } from "./account-resource.ts";
import { ApiError, sendApiError, toApiError } from "./api-error.ts";
import type { ApiRoute } from "./api-route.ts";
import { channelResource } from "./channel-resource.ts";
import { etagOf, notModified } from "./etag.ts";
import { helpRoutes } from "./help-resource.ts";
import { singleValuedQuery } from "./list-query.ts";
import { objectResources } from "./object-resources.ts";
import { openApiDocument } from "./openapi.ts";
import { scriptResource } from "./script-resource.ts";
import { sessionChangeGuard } from "./session-change-guard.ts";
import { typedResourceRoutes } from "./typed-resource.ts";

const log = getLogger("web-api");
const API_VERSION = "1";

/** Every route of the API, in the order they are mounted (the OpenAPI document describes exactly these). */
export function apiRouteTable(ctx: WebContext): ApiRoute[] {
  const { settings, db } = ctx.services;
  const resources = [...objectResources(settings), accountResource(ctx.services), scriptResource(), channelResource(settings, db)];
  const routes: ApiRoute[] = [];
  routes.push({
    method: "get",
    path: "/",
    summary: "The API's resources and their URLs",
    tag: "api",
    auth: "none",
    response: { status: 200, description: "Resource name → URL.", schema: { type: "object", additionalProperties: { type: "string" } } },
    handler: async (call) => ({
      status: 200,
      body: Object.fromEntries([...resources.map((r) => r.name), "help", "openapi.json"].map((name) => [name, `${call.req.baseUrl}/${name}`])),
    }),
  });
  routes.push({
    method: "get",
    path: "/openapi.json",
    summary: "This description (OpenAPI 3.1)",
    tag: "api",
    auth: "none",
    response: { status: 200, description: "The OpenAPI document.", schema: { type: "object" } },
    handler: async (call) => ({
      status: 200,
      body: openApiDocument(routes, { title: `${settings.serverName} API`, version: API_VERSION, serverUrl: call.req.baseUrl || "/api", sessionCookie: settings.webSessionCookie }),
    }),
  });
  for (const resource of resources) routes.push(...typedResourceRoutes(resource as never));
  routes.push(...helpRoutes());
  return routes;
}

/** `/objects/{id}` → `/objects/:id`. */
function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ":$1");
}

/** 415 unless a request body is JSON. */
function requireJsonBody(req: Request, res: Response, next: NextFunction): void {
  const hasBody = req.get("transfer-encoding") !== undefined || Number(req.get("content-length") ?? 0) > 0;
  if (hasBody && !req.is(["application/json", "application/*+json"])) {
    sendApiError(res, new ApiError(415, "unsupported_media_type", "send the body as JSON (Content-Type: application/json)"));
    return;
  }
  next();
}

/** Answer `err` (an ApiError, a framework error, anything else) as a JSON error. */
function answerError(req: Request, res: Response, err: unknown): void {
  const incident = randomBytes(4).toString("hex");
  const apiError = toApiError(err, incident);
  if (apiError.status === 500) log.error(`incident ${incident}: ${req.method} ${req.originalUrl} failed`, err);
  if (res.headersSent) return;
  sendApiError(res, apiError);
}

/** The REST API router, mounted at `/api`. */
export function apiRoutes(ctx: WebContext): Router {
  const router = express.Router();
  const settings = ctx.services.settings;
  if (!settings.restApiEnabled) {
    router.use((_req, res) => sendApiError(res, new ApiError(404, "not_found", "the REST API is turned off (restApiEnabled)")));
    return router;
  }
  // JSON bodies are parsed by the web app (up to webMaxBodyBytes, 413 above); this refuses other types
  router.use(requireJsonBody);
  router.use(sessionChangeGuard(ctx));
  const routes = apiRouteTable(ctx);
  const methodsByPath = new Map<string, string[]>();
  for (const route of routes) {
    const path = expressPath(route.path);
    methodsByPath.set(path, [...(methodsByPath.get(path) ?? []), route.method.toUpperCase()]);
    router[route.method](path, (req, res) => {
      void (async () => {
        try {
          const account = route.auth === "none" ? ctx.account(req) : null;
          const reply = await route.handler({
            req,
            ctx,
            account,
            params: req.params as Record<string, string>,
            query: singleValuedQuery(req),
            body: req.body as unknown,
          });
          res.setHeader("Cache-Control", "private, no-cache");
          res.setHeader("Vary", "Authorization, Cookie");
          if (reply.body === undefined) {
            res.status(reply.status).end();
            return;
          }
          const json = JSON.stringify(reply.body);
          const etag = etagOf(json);
          res.setHeader("ETag", etag);
          if (reply.location) res.setHeader("Location", reply.location);
          if (req.method === "GET" && notModified(req.get("if-none-match"), etag)) {
            res.status(304).end();
            return;
          }
          res.status(reply.status).type("application/json").send(json);
        } catch (err) {
          answerError(req, res, err);
        }
      })();
    });
  }
  for (const [path, methods] of methodsByPath) {
    const allow = [...new Set([...methods, ...(methods.includes("GET") ? ["HEAD"] : [])])].join(", ");
    router.all(path, (req, res) => sendApiError(res, new ApiError(405, "method_not_allowed", `${req.method} is not allowed here (allowed: ${allow})`, { Allow: allow })));
  }
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => answerError(req, res, err));
  return router;
}
