/**
 * A local SSM Parameter Store endpoint, speaking the AWS JSON 1.1 protocol of `@aws-sdk/client-ssm`:
 * GetParameter, GetParameters and PutParameter, with String and SecureString parameters.
 */
import type { LoopbackServer } from "../shared/LoopbackServer.ts";
import { AwsServiceError, startAwsJsonServer } from "./AwsJsonServer.ts";

interface Parameter {
  name: string;
  value: string;
  type: "String" | "SecureString" | "StringList";
  version: number;
  modified: number;
}

export class SsmEmulator {
  readonly parameters = new Map<string, Parameter>();
  /** GetParameter(s) calls answered, for checking that callers cache. */
  reads = 0;

  private constructor(private server: LoopbackServer | undefined) {}

  static async start(parameters: Record<string, string> = {}, port = 0): Promise<SsmEmulator> {
    const emulator = new SsmEmulator(undefined);
    for (const [name, value] of Object.entries(parameters)) emulator.put(name, value, "SecureString");
    emulator.server = await startAwsJsonServer(
      "AmazonSSM",
      "application/x-amz-json-1.1",
      emulator.operations(),
      port,
    );
    return emulator;
  }

  get endpoint(): string {
    return this.server?.origin ?? "";
  }

  put(name: string, value: string, type: Parameter["type"] = "SecureString"): number {
    const version = (this.parameters.get(name)?.version ?? 0) + 1;
    this.parameters.set(name, { name, value, type, version, modified: Date.now() });
    return version;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  private describe(parameter: Parameter, decrypt: boolean) {
    return {
      Name: parameter.name,
      Type: parameter.type,
      // A SecureString read without decryption comes back encrypted; the emulator says so plainly.
      Value:
        parameter.type === "SecureString" && !decrypt
          ? `(encrypted) ${Buffer.from(parameter.value).toString("base64")}`
          : parameter.value,
      Version: parameter.version,
      LastModifiedDate: parameter.modified / 1000,
      ARN: `arn:aws:ssm:us-east-1:000000000000:parameter${parameter.name.startsWith("/") ? "" : "/"}${parameter.name}`,
      DataType: "text",
    };
  }

  private operations() {
    return {
      GetParameter: (input: Record<string, unknown>) => {
        this.reads += 1;
        const parameter = this.parameters.get(String(input.Name));
        if (!parameter)
          throw new AwsServiceError("ParameterNotFound", `Parameter ${String(input.Name)} not found.`);
        return { Parameter: this.describe(parameter, input.WithDecryption === true) };
      },
      GetParameters: (input: Record<string, unknown>) => {
        this.reads += 1;
        const names = (input.Names ?? []) as string[];
        const found = names.flatMap((name) => {
          const parameter = this.parameters.get(name);
          return parameter ? [this.describe(parameter, input.WithDecryption === true)] : [];
        });
        return { Parameters: found, InvalidParameters: names.filter((name) => !this.parameters.has(name)) };
      },
      PutParameter: (input: Record<string, unknown>) => {
        const name = String(input.Name);
        if (this.parameters.has(name) && input.Overwrite !== true) {
          throw new AwsServiceError(
            "ParameterAlreadyExists",
            "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
          );
        }
        return {
          Version: this.put(name, String(input.Value), (input.Type as Parameter["type"]) ?? "String"),
          Tier: "Standard",
        };
      },
    };
  }
}
