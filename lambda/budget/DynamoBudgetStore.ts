/**
 * The Notion request budget shared by every Lambda function, in the ledger's table: one item
 * (`BUDGET#notion` / `BUDGET`) holding the start times of the permits in the window and any pause Notion
 * asked for, changed only by a conditional write on its version, so two workers never take the same
 * permit. One read and one write take permits for all the requests a process has waiting.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "../schema.ts";
import {
  type BudgetOptions,
  type BudgetState,
  type BudgetStore,
  type Grant,
  takeFromWindow,
} from "./RequestBudget.ts";

const KEY = { pk: "BUDGET#notion", sk: "BUDGET" };
/** Writers racing for the item; each lost race re-reads it, so this is only a bound on bad luck. */
const MAX_RACES = 20;

const itemSchema = z.object({
  sent: z.array(z.number()),
  pausedUntil: z.number(),
  version: z.number(),
});

export class DynamoBudgetStore implements BudgetStore {
  private readonly client: DynamoDBDocumentClient;

  constructor(
    private readonly table: string,
    client: DynamoDBClient,
    private readonly options: BudgetOptions,
  ) {
    this.client = DynamoDBDocumentClient.from(client);
  }

  take(want: number, now: number): Promise<Grant> {
    return this.update((state) => takeFromWindow(state, want, now, this.options));
  }

  async pause(until: number): Promise<void> {
    await this.update((state) => ({
      state: { ...state, pausedUntil: Math.max(state.pausedUntil, until) },
      grant: undefined,
    }));
  }

  private async update<T>(change: (state: BudgetState) => { state: BudgetState; grant: T }): Promise<T> {
    for (let race = 0; ; race++) {
      const current = await this.read();
      const { state, grant } = change(current.state);
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...KEY, ...state, version: (current.version ?? 0) + 1 },
            ...(current.version === undefined
              ? {}
              : current.version === 0
                ? { ConditionExpression: "attribute_not_exists(pk)" }
                : {
                    ConditionExpression: "version = :version",
                    ExpressionAttributeValues: { ":version": current.version },
                  }),
          }),
        );
        return grant;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || race >= MAX_RACES) throw error;
      }
    }
  }

  /** The state and its version; no version for an item that does not parse, which is then overwritten. */
  private async read(): Promise<{ state: BudgetState; version: number | undefined }> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: KEY, ConsistentRead: true }),
    );
    if (!Item) return { state: { sent: [], pausedUntil: 0 }, version: 0 };
    const parsed = itemSchema.safeParse(Item);
    // A malformed item is replaced rather than trusted: the budget is a courtesy to Notion, not a record.
    if (!parsed.success) return { state: { sent: [], pausedUntil: 0 }, version: undefined };
    return {
      state: { sent: parsed.data.sent, pausedUntil: parsed.data.pausedUntil },
      version: parsed.data.version,
    };
  }
}
