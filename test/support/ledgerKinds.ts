/**
 * The two kinds of memory a behaviour is tested with: a local file, and a DynamoDB table on a local
 * DynamoDB-compatible server (started once per test file, a fresh table per test).
 */
import { afterAll } from "vitest";
import { type LocalDynamo, startLocalDynamo } from "./dynamoWorld.ts";

/** Name and environment of each ledger; call at the top of a test file (it registers the server's stop). */
export function ledgerKinds(tablePrefix: string): Array<[string, () => Promise<Record<string, string>>]> {
  let dynamo: LocalDynamo | undefined;
  let tables = 0;
  afterAll(async () => {
    await dynamo?.close();
  });
  return [
    ["a file", async () => ({})],
    [
      "DynamoDB",
      async () => {
        dynamo ??= await startLocalDynamo();
        const table = `${tablePrefix}-${++tables}`;
        await dynamo.createTable(table);
        return { MARGIN_LEDGER_TABLE: table, DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_REGION: "us-east-1" };
      },
    ],
  ];
}
