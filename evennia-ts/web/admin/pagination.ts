/**
 * Paged lists of the web admin: the `page` and `size` query parameters, checked
 * (a page that is not a whole number from 1 is a 400; a size above
 * {@link MAX_PAGE_SIZE} is brought down to it), and the figures a list page shows.
 */
import type { Request } from "express";
import { AdminRequestError, queryValue } from "./admin-http.ts";

/** The most rows one admin list page shows. */
export const MAX_PAGE_SIZE = 100;
/** Rows per page when the query does not say. */
export const DEFAULT_PAGE_SIZE = 25;
/** The highest page number accepted (beyond the last page, the last page is shown). */
const MAX_PAGE = 1_000_000;

/** What page of a list to show. */
export interface PageRequest {
  page: number;
  size: number;
}

/** Read `page` and `size` from the query string. */
export function pageRequest(req: Request): PageRequest {
  const pageText = queryValue(req, "page", 20);
  const sizeText = queryValue(req, "size", 20);
  const page = pageText === "" ? 1 : wholeNumber(pageText, "page");
  const size = sizeText === "" ? DEFAULT_PAGE_SIZE : wholeNumber(sizeText, "size");
  if (page > MAX_PAGE) throw new AdminRequestError(400, `There is no page ${pageText}.`);
  return { page, size: Math.min(size, MAX_PAGE_SIZE) };
}

function wholeNumber(text: string, name: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new AdminRequestError(400, `'${name}' must be a whole number from 1, not '${text}'.`);
  return Number(text);
}

/** One page of a list, with what the page links need. */
export interface Page<T> {
  rows: T[];
  page: number;
  size: number;
  total: number;
  pages: number;
  /** The first and last row numbers shown (1-based; 0 when the list is empty). */
  from: number;
  to: number;
  prevPage: number | null;
  nextPage: number | null;
}

/**
 * The page `request` asks for, clamped to the last page, given the total:
 * `offset` is where to start reading rows.
 */
export function clampPage(request: PageRequest, total: number): { page: number; offset: number; pages: number } {
  const pages = Math.max(1, Math.ceil(total / request.size));
  const page = Math.min(request.page, pages);
  return { page, offset: (page - 1) * request.size, pages };
}

/** The figures of a page that holds `rows`. */
export function pageOf<T>(rows: T[], request: PageRequest, total: number): Page<T> {
  const { page, offset, pages } = clampPage(request, total);
  return {
    rows,
    page,
    size: request.size,
    total,
    pages,
    from: rows.length ? offset + 1 : 0,
    to: offset + rows.length,
    prevPage: page > 1 ? page - 1 : null,
    nextPage: page < pages ? page + 1 : null,
  };
}

/** Page `request` of a list already in memory. */
export function pageOfArray<T>(all: readonly T[], request: PageRequest): Page<T> {
  const { offset } = clampPage(request, all.length);
  return pageOf(all.slice(offset, offset + request.size), request, all.length);
}

/** The links of a list's pager: the same list and filters, another page. */
export interface PagerView {
  page: number;
  pages: number;
  total: number;
  from: number;
  to: number;
  prevUrl: string | null;
  nextUrl: string | null;
  firstUrl: string | null;
  lastUrl: string | null;
}

/** The pager of `page`, its links keeping the request's other query parameters. */
export function pagerView(req: Request, page: Page<unknown>): PagerView {
  const url = (n: number): string => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(req.query)) if (typeof value === "string" && name !== "page" && value !== "") params.set(name, value);
    params.set("page", String(n));
    return `${req.baseUrl}${req.path}?${params.toString()}`;
  };
  return {
    page: page.page,
    pages: page.pages,
    total: page.total,
    from: page.from,
    to: page.to,
    prevUrl: page.prevPage === null ? null : url(page.prevPage),
    nextUrl: page.nextPage === null ? null : url(page.nextPage),
    firstUrl: page.page > 1 ? url(1) : null,
    lastUrl: page.page < page.pages ? url(page.pages) : null,
  };
}
