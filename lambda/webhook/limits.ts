/**
 * What the webhook accepts at most, wherever it runs: Notion's deliveries are far inside these, so anything
 * beyond them is refused before it costs work or reaches the ledger, the queue or a log.
 */

/** Notion automation bodies and integration events are small; anything bigger is not one. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Event and automation ids are UUIDs; this leaves room for any form Notion may use, and none for abuse. */
export const MAX_ID_CHARACTERS = 200;

/** An event dated further ahead than this is not Notion's (clocks drift by seconds, not minutes). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
