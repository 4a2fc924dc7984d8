/**
 * An error the emulator answers with, in Notion's shape: `{object: "error", status, code, message}`.
 */

export type NotionErrorCode =
  | "invalid_json"
  | "invalid_request_url"
  | "invalid_request"
  | "validation_error"
  | "missing_version"
  | "unauthorized"
  | "restricted_resource"
  | "object_not_found"
  | "conflict_error"
  | "rate_limited"
  | "internal_server_error"
  | "bad_gateway"
  | "service_unavailable"
  | "service_overload"
  | "gateway_timeout";

export class NotionApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: NotionErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "NotionApiError";
  }

  static validation(message: string): NotionApiError {
    return new NotionApiError(400, "validation_error", message);
  }

  static notFound(kind: string, id: string): NotionApiError {
    return new NotionApiError(
      404,
      "object_not_found",
      `Could not find ${kind} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
    );
  }

  /** Notion names the integration in not-found messages; the server adds it when it knows the bot. */
  withIntegration(name: string, botId: string): NotionApiError {
    if (this.code !== "object_not_found") return this;
    const error = new NotionApiError(
      this.status,
      this.code,
      this.message.replace(/integration\.$/, `integration "${name}".`),
      this.headers,
    );
    error.additionalData = { integration_id: botId };
    return error;
  }

  additionalData?: Record<string, string>;

  static invalidUrl(): NotionApiError {
    return new NotionApiError(400, "invalid_request_url", "Invalid request URL.");
  }

  toBody(requestId: string): Record<string, unknown> {
    return {
      object: "error",
      status: this.status,
      code: this.code,
      message: this.message,
      ...(this.additionalData ? { additional_data: this.additionalData } : {}),
      request_id: requestId,
    };
  }
}
