/**
 * What the Bedrock SDK's client takes from `@anthropic-ai/sdk/resources/index` in the functions' bundles:
 * the Messages API Margin calls, and an empty stand-in for the beta API (agents, files, skills, tool
 * runners...) that the client builds and Margin never calls. The whole resource tree is about 270 KB of
 * the worker's bundle that a cold start would load for nothing. The command line and `margin serve` keep
 * the SDK as it is; the bundled Bedrock review is tested in `test/infra/bundledFunctions.test.ts`.
 */
export { Messages } from "@anthropic-ai/sdk/resources/messages/messages";

/** The client deletes a few of the beta API's parts as it builds it: there must be something to delete from. */
export class Beta {
  readonly messages: Record<string, unknown> = {};

  constructor(readonly client: unknown) {}
}
