/**
 * What one job's Notion client and review report while it runs, kept for the job's figures: the requests
 * Notion answered, those that asked Margin to wait, and when the page under review had been read.
 */
export class JobTally {
  notionRequests = 0;
  notionRateLimited = 0;
  /** When the page under review had been read (epoch ms); undefined until then. */
  documentReadAt: number | undefined;

  constructor(private readonly clock: () => number = Date.now) {}

  /** An answer from Notion (`NotionRequestEvent`). */
  noteRequest(event: { status: number }): void {
    this.notionRequests += 1;
    // Notion's limit answers 429; its overload answer, 529, asks the same of a client.
    if (event.status === 429 || event.status === 529) this.notionRateLimited += 1;
  }

  /** The review's `document_read` progress event. */
  noteDocumentRead(): void {
    this.documentReadAt = this.clock();
  }
}
