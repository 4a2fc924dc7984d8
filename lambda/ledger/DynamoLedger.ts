/**
 * The ledger in one DynamoDB table (partition key `pk`, sort key `sk`, TTL attribute `expiresAt`):
 *
 * - `PAGE#<page>` / `REVIEWER#<prompt>`: a reviewer's memory of the page (fingerprints, summary, time);
 * - `PAGE#<page>` / `REVIEWER#<prompt>#COMMENT#<run>:<key>`: one comment it posted (with its fate once
 *   a later read of the page saw it);
 * - `PAGE#<page>` / `DISCUSSIONS`: the blocks known to carry discussions (a string set);
 * - `RUN#<run>` / `RUN`: a run's plan and the state of each comment (expires after 30 days);
 * - `DELIVERY#<id>` / `DELIVERY`: a delivery taken (expires);
 * - `THREAD#<discussion>` / `REPLY#<time>#<run>`: a reply given (expires after three days).
 * - `EVENTS#comment.created` / `EVENTS`: since when comment events have been arriving, and the latest;
 * - `CHECKPOINT#<run>` / `HEAD` and `PART#<version>#<n>`: what a review read before its invocation ended
 *   (expires after two days);
 * - `BUDGET#notion` / `BUDGET`: the Notion request budget (see `budget/DynamoBudgetStore.ts`).
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { PostedComment } from "../review/model/ReviewComment.ts";
import type {
  CommentEventFlow,
  CommentState,
  DiscussionIndex,
  Ledger,
  PageMemory,
  RecordedFate,
  RunRecord,
} from "../review/ports/Ledger.ts";
import { CHECKPOINT_DAYS, type CheckpointStore } from "./CheckpointStore.ts";
import { dynamoDbClient } from "./dynamoDbClient.ts";
import { memoryHeaderSchema, parseRecord, postedCommentSchema, runRecordSchema } from "./ledgerRecords.ts";

const RUN_DAYS = 30;
/** The workspace's comment events (one item). */
const EVENTS_KEY = { pk: "EVENTS#comment.created", sk: "EVENTS" };
/** One part of a checkpoint: under DynamoDB's 400 KB item limit with room for the keys. */
const CHECKPOINT_PART_BYTES = 350 * 1024;
const REPLY_DAYS = 3;

export class DynamoLedger implements Ledger, CheckpointStore {
  private readonly client: DynamoDBDocumentClient;

  constructor(
    private readonly table: string,
    client: DynamoDBClient = dynamoDbClient(),
    private readonly now: () => Date = () => new Date(),
  ) {
    this.client = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** A ledger at another endpoint (tests and local runs), with throwaway credentials. */
  static at(table: string, endpoint: string, region = "us-east-1"): DynamoLedger {
    return new DynamoLedger(table, dynamoDbClient(endpoint, region));
  }

  async memory(pageId: string, promptId: string): Promise<PageMemory | undefined> {
    const items = await this.queryAll(`PAGE#${pageId}`, `REVIEWER#${promptId}`);
    return toMemories(pageId, items).find((memory) => memory.promptId === promptId);
  }

  async memoriesOf(pageId: string): Promise<PageMemory[]> {
    return toMemories(pageId, await this.queryAll(`PAGE#${pageId}`, "REVIEWER#"));
  }

  async saveReview(
    pageId: string,
    promptId: string,
    review: Parameters<Ledger["saveReview"]>[2],
  ): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `PAGE#${pageId}`, sk: `REVIEWER#${promptId}` },
        UpdateExpression: [
          `SET lastReviewedAt = :at, blocks = :blocks${review.summary ? ", summary = :summary" : ""}${review.unfinishedRunId ? ", unfinishedRunId = :run" : ""}`,
          review.unfinishedRunId ? "" : "REMOVE unfinishedRunId",
        ].join(" "),
        ExpressionAttributeValues: {
          ":at": review.lastReviewedAt,
          ":blocks": review.blocks,
          ...(review.summary ? { ":summary": review.summary } : {}),
          ...(review.unfinishedRunId ? { ":run": review.unfinishedRunId } : {}),
        },
      }),
    );
  }

  async addComment(pageId: string, promptId: string, comment: PostedComment): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `PAGE#${pageId}`,
            sk: `REVIEWER#${promptId}#COMMENT#${comment.posted.runId}:${comment.key}`,
            comment,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** One conditional update per comment (a comment no longer stored is not written back), then the name. */
  async recordFates(
    pageId: string,
    promptId: string,
    observed: { reviewerName: string; fates: RecordedFate[] },
  ): Promise<void> {
    const pk = `PAGE#${pageId}`;
    await Promise.all(
      observed.fates.map(async ({ runId, key, fate }) => {
        try {
          await this.client.send(
            new UpdateCommand({
              TableName: this.table,
              Key: { pk, sk: `REVIEWER#${promptId}#COMMENT#${runId}:${key}` },
              UpdateExpression: "SET #comment.#fate = :fate",
              ConditionExpression: "attribute_exists(#comment)",
              ExpressionAttributeNames: { "#comment": "comment", "#fate": "fate" },
              ExpressionAttributeValues: { ":fate": fate },
            }),
          );
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }),
    );
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk, sk: `REVIEWER#${promptId}` },
          UpdateExpression: "SET reviewerName = :name",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":name": observed.reviewerName },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** A scan of the table for reviewers' memories and their comments, page by page of the scan. */
  async allMemories(): Promise<PageMemory[]> {
    const byPage = new Map<string, Array<Record<string, unknown>>>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: "begins_with(pk, :page) AND begins_with(sk, :reviewer)",
          ExpressionAttributeValues: { ":page": "PAGE#", ":reviewer": "REVIEWER#" },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) {
        const pageId = String(item.pk).slice("PAGE#".length);
        const items = byPage.get(pageId) ?? [];
        items.push(item);
        byPage.set(pageId, items);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return [...byPage].flatMap(([pageId, items]) => toMemories(pageId, items));
  }

  async discussionIndex(pageId: string): Promise<DiscussionIndex> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: `PAGE#${pageId}`, sk: "DISCUSSIONS" } }),
    );
    if (!Item) return { blockIds: [] };
    return {
      blockIds: [...((Item.blockIds as Set<string> | undefined) ?? [])].sort(),
      scannedAt: Item.scannedAt as string | undefined,
    };
  }

  async indexDiscussions(pageId: string, blockIds: string[], scannedAt?: string): Promise<void> {
    const Key = { pk: `PAGE#${pageId}`, sk: "DISCUSSIONS" };
    if (scannedAt) {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...Key, scannedAt, ...(blockIds.length > 0 ? { blockIds: new Set(blockIds) } : {}) },
        }),
      );
      return;
    }
    if (blockIds.length === 0) return;
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key,
        UpdateExpression: "ADD blockIds :ids",
        ExpressionAttributeValues: { ":ids": new Set(blockIds) },
      }),
    );
  }

  async commentEvents(): Promise<CommentEventFlow | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: EVENTS_KEY }));
    if (typeof Item?.flowingSince !== "string" || typeof Item.lastSeenAt !== "string") return undefined;
    return { flowingSince: Item.flowingSince, lastSeenAt: Item.lastSeenAt };
  }

  /** A new flow after a silence, else the latest time only moves forward: each a conditional update. */
  async noteCommentEvent(at: string, silentSince: string): Promise<void> {
    const update = (expression: string, condition: string) =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: EVENTS_KEY,
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeValues: {
            ":at": at,
            ...(condition.includes(":silent") ? { ":silent": silentSince } : {}),
          },
        }),
      );
    try {
      await update(
        "SET flowingSince = :at, lastSeenAt = :at",
        "attribute_not_exists(lastSeenAt) OR lastSeenAt < :silent",
      );
      return;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    try {
      await update("SET lastSeenAt = :at", "lastSeenAt < :at");
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async run(runId: string): Promise<RunRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: `RUN#${runId}`, sk: "RUN" }, ConsistentRead: true }),
    );
    return Item ? parseRecord(runRecordSchema, Item, `run ${runId}`) : undefined;
  }

  async startRun(run: RunRecord): Promise<RunRecord> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `RUN#${run.runId}`, sk: "RUN", ...run, expiresAt: this.expiry(RUN_DAYS) },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return run;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.run(run.runId))!;
    }
  }

  async setCommentState(runId: string, key: string, state: CommentState): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `RUN#${runId}`, sk: "RUN" },
        UpdateExpression: "SET states.#key = :state",
        ExpressionAttributeNames: { "#key": key },
        ExpressionAttributeValues: { ":state": state },
      }),
    );
  }

  async finishRun(runId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `RUN#${runId}`, sk: "RUN" },
        UpdateExpression: "SET #status = :done",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":done": "done" },
      }),
    );
  }

  async claimDelivery(deliveryId: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `DELIVERY#${deliveryId}`,
            sk: "DELIVERY",
            expiresAt: Math.floor(expiresAt.getTime() / 1000),
          },
          // DynamoDB deletes expired items lazily: an expired claim may still be there, and does not count.
          ConditionExpression: "attribute_not_exists(pk) OR expiresAt < :now",
          ExpressionAttributeValues: { ":now": Math.floor(this.now().getTime() / 1000) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async releaseDelivery(deliveryId: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.table, Key: { pk: `DELIVERY#${deliveryId}`, sk: "DELIVERY" } }),
    );
  }

  async recordReply(discussionId: string, at: string, runId: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `THREAD#${discussionId}`,
          sk: `REPLY#${at}#${runId}`,
          expiresAt: this.expiry(REPLY_DAYS),
        },
      }),
    );
  }

  async countReplies(discussionId: string, since: string): Promise<number> {
    const items = await this.queryAll(`THREAD#${discussionId}`, "REPLY#");
    return items.filter((item) => String(item.sk).slice("REPLY#".length) >= since).length;
  }

  /**
   * A checkpoint in parts under 400 KB (DynamoDB's item limit), then a head naming how many: a reader
   * trusts only a head, so a save cut short leaves the earlier checkpoint or none, never half of one.
   */
  async saveCheckpoint(runId: string, data: Uint8Array): Promise<void> {
    const pk = `CHECKPOINT#${runId}`;
    const expiresAt = this.expiry(CHECKPOINT_DAYS);
    const version = Date.now().toString(36);
    const parts = Math.max(1, Math.ceil(data.length / CHECKPOINT_PART_BYTES));
    for (let index = 0; index < parts; index++) {
      const slice = data.subarray(index * CHECKPOINT_PART_BYTES, (index + 1) * CHECKPOINT_PART_BYTES);
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk, sk: `PART#${version}#${index}`, data: slice, expiresAt },
        }),
      );
    }
    await this.client.send(
      new PutCommand({ TableName: this.table, Item: { pk, sk: "HEAD", version, parts, expiresAt } }),
    );
  }

  async checkpoint(runId: string): Promise<Uint8Array | undefined> {
    const pk = `CHECKPOINT#${runId}`;
    const { Item: head } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk, sk: "HEAD" }, ConsistentRead: true }),
    );
    if (!head || typeof head.version !== "string" || typeof head.parts !== "number") return undefined;
    const items = await this.queryAll(pk, `PART#${head.version}#`);
    const parts = items
      .map((item) => ({ index: Number(String(item.sk).split("#")[2]), data: item.data as Uint8Array }))
      .sort((a, b) => a.index - b.index);
    if (parts.length !== head.parts) return undefined;
    return Buffer.concat(parts.map((part) => part.data));
  }

  async dropCheckpoint(runId: string): Promise<void> {
    const pk = `CHECKPOINT#${runId}`;
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: { pk, sk: "HEAD" } }));
    for (const item of await this.queryAll(pk, "PART#")) {
      await this.client.send(new DeleteCommand({ TableName: this.table, Key: { pk, sk: item.sk } }));
    }
  }

  private expiry(days: number): number {
    return Math.floor(this.now().getTime() / 1000) + days * 86_400;
  }

  private async queryAll(pk: string, prefix: string): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": pk, ":prefix": prefix },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

function toMemories(pageId: string, items: Array<Record<string, unknown>>): PageMemory[] {
  const memories = new Map<string, PageMemory>();
  const memoryOf = (promptId: string) => {
    let memory = memories.get(promptId);
    if (!memory) {
      memory = { pageId, promptId, blocks: {}, comments: [] };
      memories.set(promptId, memory);
    }
    return memory;
  };
  for (const item of items) {
    const [, promptId, , commentKey] = String(item.sk).split("#");
    const memory = memoryOf(promptId!);
    const what = `reviewer ${promptId} on page ${pageId}`;
    if (commentKey)
      memory.comments.push(parseRecord(postedCommentSchema, item.comment, `a comment of ${what}`));
    else Object.assign(memory, parseRecord(memoryHeaderSchema, item, what));
  }
  for (const memory of memories.values())
    memory.comments.sort((a, b) => a.posted.at.localeCompare(b.posted.at));
  return [...memories.values()];
}
