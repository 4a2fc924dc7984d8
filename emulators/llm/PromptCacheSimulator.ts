/**
 * Prompt caching as the providers document it, so the scripted servers report cache reads and writes the
 * way the real ones would for the same requests:
 * - Anthropic: a prefix (tools, then system, then messages, block by block) is written at each
 *   `cache_control` breakpoint once it reaches the model's minimum length; a later request reads the
 *   longest written prefix that ends within 20 blocks before one of its breakpoints. Entries live five
 *   minutes from their last use. `input_tokens` counts only what was neither read nor written.
 * - OpenAI: automatic; the longest prefix of at least 1,024 tokens seen before is read, in 128-token steps
 *   beyond the first 1,024. Models from the gpt-5.6 family on also report what they wrote.
 * Tokens are counted with the o200k tokenizer, a fair stand-in for every provider's.
 */
import { createHash } from "node:crypto";

const ANTHROPIC_TTL_MS = 5 * 60_000;
const ANTHROPIC_LOOKBACK_BLOCKS = 20;
const OPENAI_MINIMUM = 1_024;
const OPENAI_STEP = 128;

export interface CacheSegment {
  text: string;
  /** An Anthropic `cache_control` breakpoint ends this segment. */
  breakpoint?: boolean;
}

export interface CacheUsage {
  readTokens: number;
  writeTokens: number;
  uncachedTokens: number;
}

type Counter = (text: string) => number;
let counter: Promise<Counter> | undefined;

/** The o200k tokenizer, loaded on first use (it takes a moment). */
export function tokenCounter(): Promise<Counter> {
  counter ??= import("gpt-tokenizer/encoding/o200k_base").then((module) => module.countTokens);
  return counter;
}

export class PromptCacheSimulator {
  private readonly anthropicEntries = new Map<string, number>();
  private readonly openAiPrefixes = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  async anthropic(segments: CacheSegment[], minimumTokens: number): Promise<CacheUsage> {
    const { cumulative, hashes } = await measure(segments);
    const total = cumulative.at(-1) ?? 0;
    const now = this.now();
    const live = (hash: string) => (this.anthropicEntries.get(hash) ?? 0) > now;
    const breakpoints = segments.flatMap((segment, index) => (segment.breakpoint ? [index] : []));
    let read = -1;
    for (const breakpoint of breakpoints) {
      for (let index = breakpoint; index >= 0 && index > breakpoint - ANTHROPIC_LOOKBACK_BLOCKS; index--) {
        if (live(hashes[index]!)) {
          read = Math.max(read, index);
          break;
        }
      }
    }
    const readTokens = read >= 0 ? cumulative[read]! : 0;
    if (read >= 0) this.anthropicEntries.set(hashes[read]!, now + ANTHROPIC_TTL_MS);
    let written = read;
    for (const breakpoint of breakpoints) {
      if (breakpoint <= read || cumulative[breakpoint]! < minimumTokens) continue;
      this.anthropicEntries.set(hashes[breakpoint]!, now + ANTHROPIC_TTL_MS);
      written = Math.max(written, breakpoint);
    }
    const writeTokens = written > read ? cumulative[written]! - readTokens : 0;
    return { readTokens, writeTokens, uncachedTokens: total - readTokens - writeTokens };
  }

  async openAi(segments: CacheSegment[], reportsWrites: boolean): Promise<CacheUsage> {
    const { cumulative, hashes } = await measure(segments);
    const total = cumulative.at(-1) ?? 0;
    let readTokens = 0;
    for (let index = hashes.length - 1; index >= 0; index--) {
      if (cumulative[index]! >= OPENAI_MINIMUM && this.openAiPrefixes.has(hashes[index]!)) {
        readTokens =
          OPENAI_MINIMUM + Math.floor((cumulative[index]! - OPENAI_MINIMUM) / OPENAI_STEP) * OPENAI_STEP;
        break;
      }
    }
    for (const hash of hashes) this.openAiPrefixes.add(hash);
    const writeTokens = reportsWrites && total >= OPENAI_MINIMUM ? total - readTokens : 0;
    return { readTokens, writeTokens, uncachedTokens: total - readTokens - writeTokens };
  }
}

/** Tokens up to the end of each segment, and a hash of everything up to it. */
async function measure(segments: CacheSegment[]): Promise<{ cumulative: number[]; hashes: string[] }> {
  const count = await tokenCounter();
  const cumulative: number[] = [];
  const hashes: string[] = [];
  let tokens = 0;
  let hash = "";
  for (const segment of segments) {
    tokens += count(segment.text);
    hash = createHash("sha256").update(hash).update("\u0000").update(segment.text).digest("hex");
    cumulative.push(tokens);
    hashes.push(hash);
  }
  return { cumulative, hashes };
}
