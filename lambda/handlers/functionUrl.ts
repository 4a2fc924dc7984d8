/**
 * Lambda Function URL events (payload format 2.0) to and from the webhook's plain HTTP terms.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { HttpRequest, HttpResponse } from "../webhook/HttpExchange.ts";

export function fromFunctionUrlEvent(event: APIGatewayProxyEventV2): HttpRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const body =
    event.body === undefined
      ? ""
      : event.isBase64Encoded
        ? Buffer.from(event.body, "base64").toString("utf8")
        : event.body;
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath || "/",
    headers,
    query: [...new URLSearchParams(event.rawQueryString ?? "").entries()],
    body,
  };
}

export function toFunctionUrlResult(response: HttpResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.status,
    headers: { "content-type": "application/json", ...response.headers },
    body: JSON.stringify(response.body),
  };
}
