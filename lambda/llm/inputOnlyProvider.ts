/**
 * A provider that knows what its models take but never calls one: for `margin review --print-input`,
 * which shows what a model would be sent without a key and without a request.
 */
import { MarginError } from "../errors.ts";
import type { LlmProvider } from "../review/ports/LlmProvider.ts";
import type { ProviderName } from "../review/prompt/reviewSettings.ts";
import { type ModelEndpoint, modelCapabilities } from "./modelCapabilities.ts";

export function inputOnlyProvider(endpoint: ModelEndpoint & { provider: ProviderName }): LlmProvider {
  return {
    name: endpoint.provider,
    capabilities: (model) => modelCapabilities(endpoint, model),
    complete: async () => {
      throw new MarginError("This run only shows the model's input; it never asks the model.");
    },
  };
}
