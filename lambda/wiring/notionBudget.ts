/**
 * The Notion request budget of this process, one per configuration: in the ledger's DynamoDB table when
 * there is one (every Lambda function shares it), else in memory (the command line and `margin serve`, whose
 * webhook and worker are one process). Every Notion client the process makes draws from it.
 */

import { DynamoBudgetStore } from "../budget/DynamoBudgetStore.ts";
import { MemoryBudgetStore, RequestBudget } from "../budget/RequestBudget.ts";
import type { MarginConfig } from "../config/config.ts";
import { dynamoDbClient } from "../ledger/dynamoDbClient.ts";

const budgets = new Map<string, RequestBudget>();

export function notionBudgetFor(config: MarginConfig): RequestBudget {
  const limit = config.MARGIN_NOTION_REQUESTS_PER_MINUTE;
  const table = config.MARGIN_LEDGER_TABLE;
  const key = JSON.stringify([table, config.DYNAMODB_ENDPOINT, limit]);
  let budget = budgets.get(key);
  if (!budget) {
    budget = new RequestBudget(
      table
        ? new DynamoBudgetStore(table, dynamoDbClient(config.DYNAMODB_ENDPOINT, config.AWS_REGION), { limit })
        : new MemoryBudgetStore({ limit }),
    );
    budgets.set(key, budget);
  }
  return budget;
}
