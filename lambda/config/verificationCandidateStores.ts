/**
 * Where verification candidates are kept: an SSM SecureString parameter in AWS (which the webhook may
 * write, unlike the parameter of the key itself), a file beside the ledger locally. Both hold the same
 * JSON list; one that does not parse is treated as empty, since candidates are only ever a convenience
 * for the operator.
 */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import * as z from "../schema.ts";
import {
  type CandidateToken,
  liveCandidates,
  type VerificationCandidates,
  withCandidate,
} from "./VerificationCandidates.ts";

const candidatesSchema = z.array(z.object({ token: z.string(), receivedAt: z.iso.datetime() }));

function parseCandidates(text: string | undefined): CandidateToken[] {
  if (!text) return [];
  try {
    const parsed = candidatesSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    // Not JSON: nothing Margin wrote, and nothing worth keeping.
    return [];
  }
}

/** The candidates' rules over a store that reads and writes the whole list. */
abstract class StoredCandidates implements VerificationCandidates {
  async add(token: string, at: Date): Promise<void> {
    await this.write(withCandidate(await this.read(), token, at));
  }

  async list(now: Date): Promise<CandidateToken[]> {
    return liveCandidates(await this.read(), now);
  }

  async clear(): Promise<void> {
    await this.write([]);
  }

  abstract where(): string;
  protected abstract read(): Promise<CandidateToken[]>;
  protected abstract write(candidates: CandidateToken[]): Promise<void>;
}

/** Candidates in one SSM SecureString parameter, read fresh each time (they change rarely, and matter once). */
export class SsmVerificationCandidates extends StoredCandidates {
  constructor(
    private readonly provider: SSMProvider,
    private readonly parameter: string,
  ) {
    super();
  }

  where(): string {
    return `the SSM parameter ${this.parameter}`;
  }

  protected async read(): Promise<CandidateToken[]> {
    try {
      return parseCandidates(await this.provider.get(this.parameter, { decrypt: true, forceFetch: true }));
    } catch (error) {
      // None has arrived yet.
      if ((error as { cause?: { name?: string } }).cause?.name === "ParameterNotFound") return [];
      throw error;
    }
  }

  protected async write(candidates: CandidateToken[]): Promise<void> {
    await this.provider.set(this.parameter, {
      value: JSON.stringify(candidates),
      overwrite: true,
      parameterType: "SecureString",
    });
  }
}

/** Candidates in a file only its owner may read, for `margin serve`. */
export class FileVerificationCandidates extends StoredCandidates {
  constructor(private readonly file: string) {
    super();
  }

  where(): string {
    return this.file;
  }

  protected async read(): Promise<CandidateToken[]> {
    try {
      return parseCandidates(await readFile(this.file, "utf8"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }

  protected async write(candidates: CandidateToken[]): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await writeFile(this.file, `${JSON.stringify(candidates, null, 2)}\n`, { mode: 0o600 });
    await chmod(this.file, 0o600);
  }
}
