/**
 * Margin's errors: one base class, and small subclasses for what callers must tell apart.
 * Every message says what happened and what to do about it.
 */

export class MarginError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input from outside (a seed file, a flag, a request body, a setting) does not fit; the message names it. */
export class InvalidInputError extends MarginError {}

/** Configuration is missing or wrong; the message names the variable or setting to fix. */
export class ConfigurationError extends MarginError {}
