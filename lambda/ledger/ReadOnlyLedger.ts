/**
 * A ledger that remembers and never writes: for a dry run and `--print-input`, which should see the page as
 * the reviewer remembers it (a re-review's input differs from a first review's) and leave no trace.
 */
import type { Ledger } from "../review/ports/Ledger.ts";

export class ReadOnlyLedger implements Ledger {
  constructor(private readonly ledger: Ledger) {}

  memory: Ledger["memory"] = (pageId, promptId) => this.ledger.memory(pageId, promptId);
  memoriesOf: Ledger["memoriesOf"] = (pageId) => this.ledger.memoriesOf(pageId);
  allMemories: Ledger["allMemories"] = () => this.ledger.allMemories();
  discussionIndex: Ledger["discussionIndex"] = (pageId) => this.ledger.discussionIndex(pageId);
  commentEvents: Ledger["commentEvents"] = () => this.ledger.commentEvents();
  run: Ledger["run"] = (runId) => this.ledger.run(runId);
  countReplies: Ledger["countReplies"] = (discussionId, since) =>
    this.ledger.countReplies(discussionId, since);

  // Writes go nowhere; a run "started" is the one given, and every delivery is new.
  saveReview: Ledger["saveReview"] = async () => {};
  addComment: Ledger["addComment"] = async () => {};
  recordFates: Ledger["recordFates"] = async () => {};
  indexDiscussions: Ledger["indexDiscussions"] = async () => {};
  noteCommentEvent: Ledger["noteCommentEvent"] = async () => {};
  startRun: Ledger["startRun"] = async (run) => run;
  setCommentState: Ledger["setCommentState"] = async () => {};
  finishRun: Ledger["finishRun"] = async () => {};
  claimDelivery: Ledger["claimDelivery"] = async () => true;
  releaseDelivery: Ledger["releaseDelivery"] = async () => {};
  recordReply: Ledger["recordReply"] = async () => {};
}
