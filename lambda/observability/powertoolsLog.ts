/**
 * Powertools Logger as Margin's `Log`: structured JSON lines in CloudWatch, fields as attributes.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Log } from "./Log.ts";

export function powertoolsLog(logger: Logger): Log {
  return {
    debug: (message, fields) => logger.debug(message, fields ?? {}),
    info: (message, fields) => logger.info(message, fields ?? {}),
    warn: (message, fields) => logger.warn(message, fields ?? {}),
    error: (message, fields) => logger.error(message, fields ?? {}),
  };
}
