/**
 * `margin events candidates` and `margin events confirm <token>`: the key Notion's integration webhook
 * events are verified with is the operator's to set. Verification tokens that reach `/events` wait as
 * candidates (in SSM in AWS, beside the ledger locally); confirming one makes it the key, where the webhook
 * itself cannot write, and forgets the rest.
 */
import { readConfig, secretsFor, verificationCandidatesFor } from "../config/config.ts";
import { ConfigurationError, InvalidInputError } from "../errors.ts";
import type { CliIo } from "./CliIo.ts";

export const EVENTS_USAGE = "margin events candidates | margin events confirm <token>";

export async function eventsCommand(argv: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  const config = readConfig(io.env);
  const candidates = verificationCandidatesFor(config, io.cwd);
  const now = new Date();
  switch (action) {
    case "candidates": {
      const waiting = await candidates.list(now);
      if (waiting.length === 0) {
        io.stdout(
          "No verification token has arrived in the last 24 hours. Create the webhook subscription on the connection's Webhooks tab (https://www.notion.so/developers/connections) (or ask Notion to resend the token), then run this again.\n",
        );
        return 0;
      }
      io.stdout(`Verification tokens that arrived (newest first), kept in ${candidates.where()}:\n`);
      for (const candidate of waiting) io.stdout(`  ${candidate.token}  received ${candidate.receivedAt}\n`);
      io.stdout("Confirm the one Notion sent with: margin events confirm <token>\n");
      return 0;
    }
    case "confirm": {
      const token = rest[0]?.trim();
      if (!token || rest.length > 1)
        throw new InvalidInputError(`Give the token to confirm. Usage: ${EVENTS_USAGE}`);
      const waiting = await candidates.list(now);
      if (!waiting.some((candidate) => candidate.token === token)) {
        throw new InvalidInputError(
          "That is not a verification token that arrived in the last 24 hours: margin events candidates lists those that did.",
        );
      }
      const secrets = secretsFor(config, io.env, io.cwd);
      if (!secrets.put) throw new ConfigurationError("Margin cannot store the events key here.");
      await secrets.put("notionWebhookToken", token);
      await candidates.clear();
      io.stdout(
        `Confirmed: events are now verified with this token (${secrets.where("notionWebhookToken")}). Paste the same token into the subscription's Verify dialog in Notion.\n`,
      );
      if (io.env.NOTION_WEBHOOK_TOKEN?.trim() && io.env.NOTION_WEBHOOK_TOKEN.trim() !== token) {
        io.stderr(
          "Note: NOTION_WEBHOOK_TOKEN is set in the environment, and wins over the confirmed token.\n",
        );
      }
      return 0;
    }
    default:
      throw new InvalidInputError(`margin events needs candidates or confirm. Usage: ${EVENTS_USAGE}`);
  }
}
