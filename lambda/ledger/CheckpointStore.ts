/**
 * Where a review that outlives one invocation keeps what it has read until the next one: bytes under the
 * run's id, opaque to the ledger (the Notion adapter's journal, compressed). Kept for two days at most.
 */
export interface CheckpointStore {
  saveCheckpoint(runId: string, data: Uint8Array): Promise<void>;
  /** The bytes saved for the run, or undefined. */
  checkpoint(runId: string): Promise<Uint8Array | undefined>;
  dropCheckpoint(runId: string): Promise<void>;
}

/** How long a checkpoint is kept: a review continues within minutes, or not at all. */
export const CHECKPOINT_DAYS = 2;
