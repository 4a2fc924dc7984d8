/**
 * The prompts of the Prompts database by name and id, for the webhook to check a delivery's reviewers
 * without a Notion call on every request: the list is cached for a minute, and read again at once when a
 * name is not in it (a prompt created a moment ago).
 */

import { parseNotionId } from "../review/model/parseNotionId.ts";
import type { PromptSource, PromptSummary } from "../review/ports/PromptSource.ts";

export class PromptDirectory {
  private cached: { at: number; prompts: PromptSummary[] } | undefined;

  constructor(
    private readonly notion: Pick<PromptSource, "listPrompts">,
    private readonly database: string,
    private readonly maxAgeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The prompt with this title (any case) or page id / URL, or undefined. */
  async resolve(nameOrId: string): Promise<PromptSummary | undefined> {
    const found = this.find(await this.prompts(false), nameOrId);
    if (found || this.fresh()) return found;
    return this.find(await this.prompts(true), nameOrId);
  }

  async titles(): Promise<string[]> {
    return (await this.prompts(false)).map((prompt) => prompt.title).sort();
  }

  private find(prompts: PromptSummary[], nameOrId: string): PromptSummary | undefined {
    const id = parseNotionId(nameOrId);
    if (id) return prompts.find((prompt) => prompt.id === id);
    const wanted = nameOrId.trim().toLowerCase();
    return prompts.find((prompt) => prompt.title.trim().toLowerCase() === wanted);
  }

  /** Read less than five seconds ago: reading again would not find anything new. */
  private fresh(): boolean {
    return this.cached !== undefined && this.now() - this.cached.at < 5_000;
  }

  private async prompts(refresh: boolean): Promise<PromptSummary[]> {
    if (refresh || !this.cached || this.now() - this.cached.at > this.maxAgeMs) {
      this.cached = { at: this.now(), prompts: await this.notion.listPrompts(this.database) };
    }
    return this.cached.prompts;
  }
}
