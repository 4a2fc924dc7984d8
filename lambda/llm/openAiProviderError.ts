/**
 * An OpenAI SDK failure as Margin's ProviderError: the HTTP status kept (it decides retry or give up), a
 * refused key named by its variable, and the API's own message otherwise, since it says what to change.
 */
import OpenAI from "openai";
import { ProviderError } from "../errors.ts";

export function openAiProviderError(error: unknown): ProviderError {
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
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(`OpenAI could not be reached: ${message}`, undefined, { cause: error });
}
