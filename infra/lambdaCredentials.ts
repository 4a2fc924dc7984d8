/**
 * The AWS credentials a Lambda function has: the ones the runtime puts in its environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). The functions' bundles use this in place
 * of the SDK's default provider chain (profiles, SSO, web identity, container and instance metadata, with
 * the STS and SSO clients they bring), which a Lambda function never reaches: about 100 KB less to load.
 * The command line and `margin serve` keep the whole chain.
 */
import { fromEnv } from "@aws-sdk/credential-provider-env";
import type { AwsCredentialIdentityProvider } from "@smithy/types";

type Init = Parameters<typeof fromEnv>[0];

/** For the clients' runtime configuration (`@aws-sdk/credential-provider-node`). */
export const defaultProvider = (init?: Init): AwsCredentialIdentityProvider => fromEnv(init);

/** For `@aws-sdk/credential-providers`, which the Bedrock SDK loads. */
export const fromNodeProviderChain = defaultProvider;

export function createCredentialChain(
  ...providers: AwsCredentialIdentityProvider[]
): AwsCredentialIdentityProvider {
  return async (options) => {
    let last: unknown;
    for (const provider of providers) {
      try {
        return await provider(options);
      } catch (error) {
        last = error;
      }
    }
    throw last;
  };
}

export { fromEnv };
