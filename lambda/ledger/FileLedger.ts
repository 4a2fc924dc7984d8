/**
 * The ledger as one JSON file, for the command line and `margin serve`: read and written whole, one change
 * at a time per file in this process, written to a temporary file and renamed so a crash never leaves it
 * half written. (Two processes writing the same file at the same moment could lose a change: give each
 * its own MARGIN_LEDGER_FILE, or use DynamoDB.)
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
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
import type { CheckpointStore } from "./CheckpointStore.ts";
import { memoryHeaderSchema, parseRecord, postedCommentSchema, runRecordSchema } from "./ledgerRecords.ts";

/** The file as stored; its memories and runs are parsed when read back. */
interface FileContent {
  memories: Record<string, StoredMemory>;
  discussions: Record<string, DiscussionIndex>;
  runs: Record<string, unknown>;
  deliveries: Record<string, string>;
  replies: Record<string, Array<{ at: string; runId: string }>>;
  commentEvents?: CommentEventFlow;
}

const EMPTY: FileContent = { memories: {}, discussions: {}, runs: {}, deliveries: {}, replies: {} };

/** One queue of changes per file, shared by every FileLedger on it in this process. */
const queues = new Map<string, Promise<unknown>>();

export class FileLedger implements Ledger, CheckpointStore {
  readonly file: string;

  constructor(
    file: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.file = resolve(file);
  }

  async memory(pageId: string, promptId: string): Promise<PageMemory | undefined> {
    const stored = (await this.read()).memories[key(pageId, promptId)];
    return stored ? toMemory(stored) : undefined;
  }

  async memoriesOf(pageId: string): Promise<PageMemory[]> {
    return Object.values((await this.read()).memories)
      .filter((memory) => memory.pageId === pageId)
      .map(toMemory);
  }

  saveReview(pageId: string, promptId: string, review: Parameters<Ledger["saveReview"]>[2]): Promise<void> {
    return this.update((content) => {
      const memory = memoryIn(content, pageId, promptId);
      memory.lastReviewedAt = review.lastReviewedAt;
      memory.blocks = review.blocks;
      if (review.summary) memory.summary = review.summary;
      if (review.unfinishedRunId) memory.unfinishedRunId = review.unfinishedRunId;
      else delete memory.unfinishedRunId;
    });
  }

  addComment(pageId: string, promptId: string, comment: PostedComment): Promise<void> {
    return this.update((content) => {
      const memory = memoryIn(content, pageId, promptId);
      memory.comments[`${comment.posted.runId}:${comment.key}`] ??= comment;
    });
  }

  recordFates(
    pageId: string,
    promptId: string,
    observed: { reviewerName: string; fates: RecordedFate[] },
  ): Promise<void> {
    return this.update((content) => {
      const memory = content.memories[key(pageId, promptId)];
      if (!memory) return;
      memory.reviewerName = observed.reviewerName;
      for (const { runId, key: commentKey, fate } of observed.fates) {
        const comment = memory.comments[`${runId}:${commentKey}`] as Record<string, unknown> | undefined;
        if (comment) comment.fate = fate;
      }
    });
  }

  async allMemories(): Promise<PageMemory[]> {
    return Object.values((await this.read()).memories).map(toMemory);
  }

  async discussionIndex(pageId: string): Promise<DiscussionIndex> {
    return (await this.read()).discussions[pageId] ?? { blockIds: [] };
  }

  indexDiscussions(pageId: string, blockIds: string[], scannedAt?: string): Promise<void> {
    return this.update((content) => {
      const index = content.discussions[pageId] ?? { blockIds: [] };
      content.discussions[pageId] = scannedAt
        ? { blockIds: [...new Set(blockIds)].sort(), scannedAt }
        : { ...index, blockIds: [...new Set([...index.blockIds, ...blockIds])].sort() };
    });
  }

  async commentEvents(): Promise<CommentEventFlow | undefined> {
    return (await this.read()).commentEvents;
  }

  noteCommentEvent(at: string, silentSince: string): Promise<void> {
    return this.update((content) => {
      const flow = content.commentEvents;
      if (!flow || flow.lastSeenAt < silentSince)
        content.commentEvents = { flowingSince: at, lastSeenAt: at };
      else if (flow.lastSeenAt < at) content.commentEvents = { ...flow, lastSeenAt: at };
    });
  }

  async run(runId: string): Promise<RunRecord | undefined> {
    const stored = (await this.read()).runs[runId];
    return stored === undefined ? undefined : parseRecord(runRecordSchema, stored, `run ${runId}`);
  }

  async startRun(run: RunRecord): Promise<RunRecord> {
    let stored: unknown = run;
    await this.update((content) => {
      const existing = content.runs[run.runId];
      if (existing) stored = existing;
      else content.runs[run.runId] = run;
    });
    return parseRecord(runRecordSchema, stored, `run ${run.runId}`);
  }

  setCommentState(runId: string, commentKey: string, state: CommentState): Promise<void> {
    return this.update((content) => {
      const run = content.runs[runId] as { states: Record<string, CommentState> } | undefined;
      if (run) run.states[commentKey] = state;
    });
  }

  finishRun(runId: string): Promise<void> {
    return this.update((content) => {
      const run = content.runs[runId] as { status: string } | undefined;
      if (run) run.status = "done";
    });
  }

  async claimDelivery(deliveryId: string, expiresAt: Date): Promise<boolean> {
    let claimed = false;
    await this.update((content) => {
      const now = this.now().toISOString();
      for (const [id, expiry] of Object.entries(content.deliveries))
        if (expiry <= now) delete content.deliveries[id];
      if (content.deliveries[deliveryId]) return;
      content.deliveries[deliveryId] = expiresAt.toISOString();
      claimed = true;
    });
    return claimed;
  }

  releaseDelivery(deliveryId: string): Promise<void> {
    return this.update((content) => {
      delete content.deliveries[deliveryId];
    });
  }

  recordReply(discussionId: string, at: string, runId: string): Promise<void> {
    return this.update((content) => {
      const replies = content.replies[discussionId] ?? [];
      if (!replies.some((reply) => reply.runId === runId)) replies.push({ at, runId });
      content.replies[discussionId] = replies;
    });
  }

  async countReplies(discussionId: string, since: string): Promise<number> {
    return ((await this.read()).replies[discussionId] ?? []).filter((reply) => reply.at >= since).length;
  }

  /** Checkpoints are files of their own beside the ledger: they are large, and the ledger is read whole. */
  async saveCheckpoint(runId: string, data: Uint8Array): Promise<void> {
    const file = this.checkpointFile(runId);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(`${file}.${process.pid}.tmp`, data);
    await rename(`${file}.${process.pid}.tmp`, file);
  }

  async checkpoint(runId: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.checkpointFile(runId));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async dropCheckpoint(runId: string): Promise<void> {
    await rm(this.checkpointFile(runId), { force: true });
  }

  private checkpointFile(runId: string): string {
    return join(dirname(this.file), "checkpoints", `${runId.replace(/[^A-Za-z0-9_-]/g, "_")}.gz`);
  }

  private async read(): Promise<FileContent> {
    await queues.get(this.file);
    return this.load();
  }

  private async load(): Promise<FileContent> {
    try {
      return { ...structuredClone(EMPTY), ...JSON.parse(await readFile(this.file, "utf8")) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return structuredClone(EMPTY);
      throw error;
    }
  }

  /** Read, change and write the file, one change at a time. */
  private update(change: (content: FileContent) => void): Promise<void> {
    const next = (queues.get(this.file) ?? Promise.resolve()).then(async () => {
      const content = await this.load();
      change(content);
      await mkdir(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(content, null, 1));
      await rename(temporary, this.file);
    });
    queues.set(
      this.file,
      next.catch(() => {}),
    );
    return next;
  }
}

/** The stored memory of a reviewer on a page, created empty the first time. */
function memoryIn(content: FileContent, pageId: string, promptId: string): FileContent["memories"][string] {
  const id = key(pageId, promptId);
  const memory = content.memories[id] ?? { pageId, promptId, blocks: {}, comments: {} };
  content.memories[id] = memory;
  return memory;
}

function key(pageId: string, promptId: string): string {
  return `${pageId}|${promptId}`;
}

interface StoredMemory {
  pageId: string;
  promptId: string;
  reviewerName?: string;
  lastReviewedAt?: string;
  blocks: Record<string, string>;
  summary?: PageMemory["summary"];
  unfinishedRunId?: string;
  /** By run and key. */
  comments: Record<string, unknown>;
}

function toMemory(stored: StoredMemory): PageMemory {
  const what = `reviewer ${stored.promptId} on page ${stored.pageId}`;
  const comments = Object.values(stored.comments)
    .map((comment) => parseRecord(postedCommentSchema, comment, `a comment of ${what}`))
    .sort((a, b) => a.posted.at.localeCompare(b.posted.at));
  return {
    pageId: stored.pageId,
    promptId: stored.promptId,
    ...parseRecord(memoryHeaderSchema, stored, what),
    comments,
  };
}
