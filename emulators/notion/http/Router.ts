/**
 * Maps `METHOD /path/{param}` templates to handlers. The template is also the key the request counters use,
 * so a test can ask "how many GET /v1/blocks/{block_id}/children calls did that take?".
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Json } from "../model/Json.ts";

export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Json | undefined;
  headers: IncomingHttpHeaders;
}

export interface ApiResponse {
  status?: number;
  body: Json;
  headers?: Record<string, string>;
}

export type Handler<Context> = (
  request: ApiRequest,
  context: Context,
) => Json | ApiResponse | Promise<Json | ApiResponse>;

export interface Route<Context> {
  method: string;
  template: string;
  handler: Handler<Context>;
}

export function route<Context>(method: string, template: string, handler: Handler<Context>): Route<Context> {
  return { method, template, handler };
}

interface CompiledRoute<Context> extends Route<Context> {
  regex: RegExp;
  names: string[];
}

export type Match<Context> =
  | { kind: "found"; route: Route<Context>; params: Record<string, string> }
  | { kind: "wrong-method"; template: string }
  | { kind: "none" };

export class Router<Context> {
  private readonly routes: CompiledRoute<Context>[];

  constructor(routes: Route<Context>[]) {
    this.routes = routes.map((entry) => {
      const names: string[] = [];
      const source = entry.template.replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return "([^/]+)";
      });
      return { ...entry, regex: new RegExp(`^${source}/?$`), names };
    });
  }

  /** Every route as `METHOD /template`, the form counters and scripted faults name endpoints in. */
  endpoints(): string[] {
    return this.routes.map((entry) => `${entry.method} ${entry.template}`);
  }

  match(method: string, path: string): Match<Context> {
    let template: string | undefined;
    for (const entry of this.routes) {
      const found = entry.regex.exec(path);
      if (!found) continue;
      if (entry.method !== method) {
        template = template ?? entry.template;
        continue;
      }
      const params: Record<string, string> = {};
      entry.names.forEach((name, index) => {
        params[name] = decodeURIComponent(found[index + 1]!);
      });
      return { kind: "found", route: entry, params };
    }
    return template ? { kind: "wrong-method", template } : { kind: "none" };
  }
}
