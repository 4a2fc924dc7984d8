/**
 * Margin's errors: one base class, and small subclasses for what callers must tell apart. Every message
 * says what happened and what to do about it, in words the person who reads it can act on.
 */

export class MarginError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input from outside (a flag, a request body, a tool call, a seed) does not fit; the message names it. */
export class InvalidInputError extends MarginError {}

/** Configuration is missing or wrong; the message names the variable or setting to fix. */
export class ConfigurationError extends MarginError {}

/** A Notion page, block or database cannot be read: missing, not shared with the integration, or trashed. */
export class NotionAccessError extends MarginError {}

/** The prompt cannot be used: not in the Prompts database, or a setting with a bad value. */
export class PromptError extends MarginError {}

/** No prompt goes by the name asked for (a slip, usually): the message names the closest and the others. */
export class UnknownPromptError extends PromptError {}

/** The model provider failed after its SDK's retries (rate limits, outages, bad keys...). */
export class ProviderError extends MarginError {
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Worth trying again later: rate limits, overloads, server errors, timeouts. */
  get transient(): boolean {
    return (
      this.status === undefined ||
      this.status === 408 ||
      this.status === 409 ||
      this.status === 429 ||
      this.status >= 500
    );
  }
}

/** The review queue refused a job (SQS answered with a failure); the delivery should be tried again. */
export class QueueError extends MarginError {}

/** Notion failed after retries while Margin was writing; what was posted is reported with it. */
export class NotionWriteError extends MarginError {
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Worth trying again later: no answer, a rate limit or a server error; not a refusal. */
  get transient(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}

/** Notion's rate limit would hold a request longer than it may wait; worth trying again later. */
export class NotionBusyError extends MarginError {}

/**
 * Reading stopped to leave the invocation time for the model and for posting: what was read is kept, and
 * the review goes on in a following invocation (the worker catches this).
 */
export class ReadingPaused extends MarginError {}

/** The invocation's time ran out before its work was done; worth trying again. */
export class OutOfTimeError extends MarginError {}

/** Notion could not be reached at all (refused, unknown host, dropped); the message names the address. */
export class NotionUnreachableError extends MarginError {}
