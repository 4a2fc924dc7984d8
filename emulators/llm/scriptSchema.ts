/**
 * What a scripted model server's script may hold, checked before the server listens so a mistake in the
 * script is found at start, named by its entry, rather than at the request that reaches it. An entry is a
 * `$turn` (neutral terms), an `$error`, or a response object in one API's own format: a `chat.completion`
 * (`choices`), a Responses `response` (`output`) or an Anthropic `message` (`content`).
 *
 * The emulator's own forms are checked strictly. A response object is checked only where a mistake would
 * not be the API's shape at all (a call's arguments as an object where the API sends a string of JSON, a
 * tool use without a name): a script may imitate a model that misbehaves within the format, such as one that
 * writes arguments that are not JSON.
 */
import * as z from "zod";

/** A script entry as given; `parseScript` has checked it is one of the forms above. */
export type ScriptEntry = Record<string, unknown>;

export class ScriptError extends Error {
  constructor(
    /** Where in the script: `entry 3 ($turn.calls[0].arguments)`; undefined for the script as a whole. */
    readonly where: string | undefined,
    readonly problem: string,
  ) {
    super(`script${where ? ` ${where}` : ""}: ${problem}`);
    this.name = "ScriptError";
  }
}

const HTTP_ERROR = "should be an HTTP error status, 400 to 599";

export const errorEntrySchema = z.strictObject({
  $error: z.strictObject({
    status: z.number(HTTP_ERROR).int(HTTP_ERROR).min(400, HTTP_ERROR).max(599, HTTP_ERROR),
    message: z.string().optional(),
    retry_after: z.number().min(0).optional(),
    type: z.string().optional(),
  }),
});

const turnUsageSchema = z.strictObject({
  inputTokens: z.number().int().min(0),
  readTokens: z.number().int().min(0).default(0),
  writeTokens: z.number().int().min(0).default(0),
  outputTokens: z.number().int().min(0),
});

const argumentsObject = z.record(
  z.string(),
  z.unknown(),
  "should be a JSON object, as a tool's arguments are",
);
const toolName = z.string("should be the tool's name");

export const turnEntrySchema = z.strictObject({
  $turn: z.strictObject({
    text: z.string().optional(),
    calls: z.array(z.strictObject({ name: toolName, arguments: argumentsObject })).optional(),
    refusal: z.string().optional(),
    stop: z.literal("max_tokens", 'should be "max_tokens", or left out').optional(),
    usage: turnUsageSchema.optional(),
  }),
});

const argumentsString = z.string(
  "should be a string of JSON, as the API sends a call's arguments (JSON.stringify the object)",
);

const chatCompletionSchema = z.looseObject({
  choices: z.array(
    z.looseObject({
      finish_reason: z.string().nullable().optional(),
      message: z.looseObject(
        {
          role: z.literal("assistant").optional(),
          content: z.string().nullable().optional(),
          refusal: z.string().nullable().optional(),
          tool_calls: z
            .array(
              z.looseObject({
                id: z.string().optional(),
                type: z.literal("function").optional(),
                function: z.looseObject({ name: toolName, arguments: argumentsString }),
              }),
            )
            .optional(),
        },
        "should be the assistant's message",
      ),
    }),
    "should be an array of choices",
  ),
});

/** Items of a list told apart by `type`: those of a named type are checked, others pass as they are. */
function typedItems(schemas: Record<string, z.ZodType>, what: string) {
  return z.array(
    z.looseObject({ type: z.string(`should name the ${what}'s type`) }).superRefine((item, context) => {
      const parsed = Object.hasOwn(schemas, item.type) ? schemas[item.type]!.safeParse(item) : undefined;
      for (const issue of parsed?.error?.issues ?? [])
        context.addIssue({ code: "custom", message: issue.message, path: issue.path });
    }),
    `should be an array of ${what}s`,
  );
}

const responseSchema = z.looseObject({
  output: typedItems(
    {
      function_call: z.looseObject({
        call_id: z.string().optional(),
        name: toolName,
        arguments: argumentsString,
      }),
      message: z.looseObject({ content: typedItems({}, "content part") }),
    },
    "output item",
  ),
});

const messageSchema = z.looseObject({
  content: typedItems(
    {
      text: z.looseObject({ text: z.string() }),
      tool_use: z.looseObject({ id: z.string().optional(), name: toolName, input: argumentsObject }),
    },
    "content block",
  ),
  stop_reason: z.string().nullable().optional(),
});

const KINDS = `{"$turn": {...}}, {"$error": {...}}, or a response object in the API's format (a chat.completion with "choices", a response with "output", a message with "content")`;

/** The schema an entry is checked against, by its keys; or why it is none of the forms. */
function schemaFor(entry: ScriptEntry): z.ZodType | string {
  if ("$turn" in entry) return turnEntrySchema;
  if ("$error" in entry) return errorEntrySchema;
  const unknown = Object.keys(entry).find((key) => key.startsWith("$"));
  if (unknown) return `"${unknown}" is not a kind of entry: an entry is ${KINDS}`;
  if ("choices" in entry) return chatCompletionSchema;
  if ("output" in entry) return responseSchema;
  if ("content" in entry) return messageSchema;
  return `should be ${KINDS}`;
}

/** The script's entries; throws ScriptError naming the first entry that is none of the forms. */
export function parseScript(value: unknown): ScriptEntry[] {
  if (!Array.isArray(value)) throw new ScriptError(undefined, "should be a JSON array of entries");
  for (const [index, entry] of value.entries()) {
    const entryName = `entry ${index + 1}`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry))
      throw new ScriptError(entryName, `should be a JSON object: ${KINDS}`);
    const schema = schemaFor(entry as ScriptEntry);
    if (typeof schema === "string") throw new ScriptError(entryName, schema);
    const parsed = schema.safeParse(entry);
    if (parsed.success) continue;
    const issue = parsed.error.issues[0]!;
    throw new ScriptError(
      issue.path.length > 0 ? `${entryName} (${pathText(issue.path)})` : entryName,
      issue.message,
    );
  }
  return value as ScriptEntry[];
}

/** `["$turn", "calls", 0, "arguments"]` as `$turn.calls[0].arguments`. */
function pathText(path: PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`))
    .join("");
}
