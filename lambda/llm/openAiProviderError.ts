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
  return new ProviderError(
    unreachable("OpenAI", address, error, "OPENAI_BASE_URL (unset for api.openai.com)"),
    undefined,
    {
      cause: error,
    },
  );
}

/**
 * A provider nothing answered for, said with the address tried (a wrong base URL shows itself) and the
 * system's reason (ECONNREFUSED, ENOTFOUND...) where the SDK's "Connection error." hides it.
 */
export function unreachable(
  label: string,
  address: string | undefined,
  error: unknown,
  setting: string,
): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { cause?: { code?: unknown; cause?: { code?: unknown } } })?.cause;
  const reason =
    typeof code?.code === "string"
      ? code.code
      : typeof code?.cause?.code === "string"
        ? code.cause.code
        : undefined;
  return `${label} could not be reached${address ? ` at ${address}` : ""}: ${message.replace(/\.$/, "")}${reason ? ` (${reason})` : ""}. Check ${setting} and the network.`;
}
