/**
 * An HTTP request and answer in plain terms, so the webhook's logic runs the same behind a Lambda Function
 * URL and inside `margin serve`. An answer also says what became of the request, for the metrics and logs.
 */
import type { DeliveryOutcome } from "../observability/metricNames.ts";

export interface HttpRequest {
  method: string;
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  /** Query parameters in order; a name may repeat. */
  query: Array<[string, string]>;
  /** The raw body, as received. */
  body: string;
}

export interface HttpResponse {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** What became of the request (not sent). */
  outcome: DeliveryOutcome;
}

export function answer(
  status: number,
  outcome: DeliveryOutcome,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
): HttpResponse {
  return { status, body, headers, outcome };
}

/** A 4xx answer whose message names the problem: `unauthorized` for a 401, else `rejected`. */
export function refuse(status: number, message: string, headers?: Record<string, string>): HttpResponse {
  return { status, body: { error: message }, headers, outcome: status === 401 ? "unauthorized" : "rejected" };
}
