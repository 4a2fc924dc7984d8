/**
 * Sorts what stopped a review into what the queue should do about it: try again later (Notion or the
 * provider failing or rate limiting, timeouts), give up at once (the page is not shared, the prompt is
 * missing or wrong, the provider refused the key), or treat as unexpected (a bug: retried, then kept in
 * the dead-letter queue). Each comes with a sentence the page's author can act on: no AWS resource ids,
 * no stack traces, no secrets.
 */
import { APIResponseError, RequestTimeoutError, UnknownHTTPResponseError } from "@notionhq/client";
import {
  ConfigurationError,
  InvalidInputError,
  NotionAccessError,
  NotionBusyError,
  NotionUnreachableError,
  NotionWriteError,
  OutOfTimeError,
  PromptError,
  ProviderError,
} from "../errors.ts";
import { LedgerRecordError } from "../ledger/ledgerRecords.ts";

export type FailureKind = "transient" | "permanent" | "unexpected";

export interface ClassifiedFailure {
  kind: FailureKind;
  /** Why the review could not run, for the page's author. */
  reason: string;
}

const TRANSIENT_NOTION_CODES = new Set([
  "rate_limited",
  "internal_server_error",
  "service_unavailable",
  "gateway_timeout",
  "conflict_error",
  "service_overload",
]);

export function classifyFailure(error: unknown): ClassifiedFailure {
  if (error instanceof NotionAccessError) return { kind: "permanent", reason: error.message };
  if (error instanceof PromptError)
    return { kind: "permanent", reason: `the reviewer's prompt cannot be used. ${error.message}` };
  if (error instanceof InvalidInputError) return { kind: "permanent", reason: error.message };
  if (error instanceof LedgerRecordError) {
    return {
      kind: "permanent",
      reason:
        "Margin's memory of this page holds a record it cannot read. Ask whoever runs Margin to check the worker's log, which names it.",
    };
  }
  if (error instanceof ConfigurationError) {
    return {
      kind: "permanent",
      reason:
        "Margin is not fully set up for this reviewer. Ask whoever runs Margin to check its configuration.",
    };
  }
  const passing = passingTrouble(error);
  if (passing) return { kind: "transient", reason: `${passing} Ask for a review again later.` };
  if (error instanceof ProviderError) {
    return error.transient
      ? {
          kind: "transient",
          reason: "the model provider kept failing or was too busy. Ask for a review again later.",
        }
      : {
          kind: "permanent",
          reason: `the model provider refused the request (HTTP ${error.status}). Ask whoever runs Margin to check the reviewer's provider, model and key.`,
        };
  }
  if (error instanceof NotionWriteError) {
    return error.transient
      ? {
          kind: "transient",
          reason: "Notion kept failing while the review was being posted. Ask for a review again later.",
        }
      : {
          kind: "permanent",
          reason:
            "Notion refused the review's comments. Check that the integration may insert comments on this page.",
        };
  }
  if (APIResponseError.isAPIResponseError(error)) {
    const notion = classifyNotionError(error);
    if (notion) return notion;
  }
  if (
    error instanceof RequestTimeoutError ||
    error instanceof UnknownHTTPResponseError ||
    isNetworkError(error)
  ) {
    return { kind: "transient", reason: "Notion did not answer in time. Ask for a review again later." };
  }
  return {
    kind: "unexpected",
    reason: "an unexpected error stopped the review. The team running Margin has been alerted.",
  };
}

/** Trouble that passes: Notion busy or out of reach, or the invocation out of time. */
function passingTrouble(error: unknown): string | undefined {
  if (error instanceof NotionBusyError) return "Notion kept rate limiting Margin.";
  if (error instanceof NotionUnreachableError) return "Notion could not be reached.";
  if (error instanceof OutOfTimeError) return "the review ran out of time.";
  return undefined;
}

/** A Notion API error by its code; undefined for a code that says nothing of what to do. */
function classifyNotionError(error: APIResponseError): ClassifiedFailure | undefined {
  if (TRANSIENT_NOTION_CODES.has(error.code))
    return {
      kind: "transient",
      reason: "Notion kept failing or rate limiting Margin. Ask for a review again later.",
    };
  switch (error.code) {
    case "unauthorized":
      return {
        kind: "permanent",
        reason: "Notion refused Margin's token. Ask whoever runs Margin to check it.",
      };
    case "restricted_resource":
      return {
        kind: "permanent",
        reason:
          "Margin's connection lacks a capability it needs (read content, read and insert comments, read user information).",
      };
    case "object_not_found":
      return {
        kind: "permanent",
        reason:
          "Notion says the page or one of its parts is not shared with Margin's connection. Share it under ••• → Connections.",
      };
    default:
      return undefined;
  }
}

function isNetworkError(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    /fetch failed|network|socket|ECONN/i.test(
      `${error.message} ${String((error as { cause?: unknown }).cause ?? "")}`,
    )
  );
}
