/**
 * An OpenAI SDK failure as Margin's ProviderError: the HTTP status kept (it decides retry or give up), a
 * refused key named by its variable, and the API's own message otherwise, since it says what to change.
 */
import OpenAI from "openai";
import { ProviderError } from "../errors.ts";

export function openAiProviderError(error: unknown, address?: string): ProviderError {
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    // The API's own words, without the SDK's status prefix.
    const said = (error.error as { message?: unknown } | undefined)?.message;
    const detail =
      error.status === 401
        ? "the API key was refused; check OPENAI_API_KEY"
        : typeof said === "string"
          ? said
          : error.message;
    return new ProviderError(`OpenAI failed (${error.status}): ${detail}`, error.status, { cause: error });
  }
  const kind =
    error instanceof OpenAI.APIConnectionTimeoutError
      ? "timeout"
      : error instanceof OpenAI.APIConnectionError
        ? "connection"
        : "other";
  const setting = "OPENAI_BASE_URL (unset for api.openai.com)";
  return new ProviderError(transportFailure({ label: "OpenAI", address, error, kind, setting }), undefined, {
    cause: error,
  });
}

export interface TransportFailure {
  label: string;
  address: string | undefined;
  error: unknown;
  /** How the SDK failed: nothing answered (`connection`), nothing answered in time, or anything else. */
  kind: "connection" | "timeout" | "other";
  /** The settings that say where requests go. */
  setting: string;
}

/**
 * A provider failure without an HTTP status, said for what it was: nothing answered at the address tried
 * (a wrong base URL shows itself; the system's reason, ECONNREFUSED or ENOTFOUND, where the SDK's
 * "Connection error." hides it), no answer in time, or anything else in the SDK's own words.
 */
export function transportFailure({ label, address, error, kind, setting }: TransportFailure): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\.$/, "");
  const cause = (error as { cause?: { code?: unknown; message?: unknown; cause?: { code?: unknown } } })
    ?.cause;
  const code = [cause?.code, cause?.cause?.code].find((value) => typeof value === "string");
  const detail = code ? ` (${code})` : typeof cause?.message === "string" ? ` (${cause.message})` : "";
  const at = address ? ` at ${address}` : "";
  if (kind === "timeout")
    return `${label} did not answer in time${at}, after its retries. Try again; a slow local model may need a smaller page.`;
  if (kind === "connection")
    return `${label} could not be reached${at}: ${message}${detail}. Check ${setting} and the network.`;
  return `${label} failed: ${message}${detail}.`;
}
