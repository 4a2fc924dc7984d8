/**
 * The control API under `/__emulator/` (not Notion's): state dump, comments and replies as any user,
 * resolving discussions, block edits as a person, request counters, runtime settings, scripted faults and
 * reset. No auth, no rate limit, no latency, not counted.
 */
import * as z from "zod";
import type { ScriptedFault } from "../control/FaultPlan.ts";
import { route } from "../http/Router.ts";
import type { Json } from "../model/Json.ts";
import { NotionApiError } from "../NotionApiError.ts";
import type { EmulatorSettings, NotionEmulator } from "../NotionEmulator.ts";

export interface ControlContext {
  emulator: NotionEmulator;
}

const settingsSchema = z.strictObject({
  rps: z.number().positive().nullable().optional(),
  burst: z.number().int().positive().optional(),
  latency_ms: z.number().min(0).optional(),
  fail_rate: z.number().min(0).max(1).optional(),
  random_seed: z.number().int().optional(),
  // Window mode (Notion's documented limits); null turns a limit off.
  requests_per_minute: z.number().int().positive().nullable().optional(),
  workspace_requests_per_minute: z.number().int().positive().nullable().optional(),
  window_seconds: z.number().positive().optional(),
  workspace_extra_retry_seconds: z.number().int().min(0).optional(),
});

const faultSchema = z.strictObject({
  endpoint: z.string().regex(/^(GET|POST|PATCH|DELETE) \/v1\//, "should look like `POST /v1/comments`"),
  status: z.number().int().min(400).max(599),
  count: z.number().int().positive().optional(),
  skip: z.number().int().min(0).optional(),
  after_commit: z.boolean().optional(),
  retry_after: z.number().int().min(0).optional(),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw NotionApiError.validation(`${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  return result.data;
}

export const controlApi = [
  route<ControlContext>("GET", "/__emulator/state", (_request, { emulator }) => emulator.control.state()),
  route<ControlContext>("POST", "/__emulator/reset", (_request, { emulator }) => {
    emulator.reset();
    return { reset: true };
  }),
  route<ControlContext>("GET", "/__emulator/requests", (_request, { emulator }) =>
    emulator.counters.snapshot(),
  ),
  route<ControlContext>("DELETE", "/__emulator/requests", (_request, { emulator }) => {
    emulator.counters.reset();
    return { reset: true };
  }),
  route<ControlContext>("POST", "/__emulator/comments", (request, { emulator }) =>
    emulator.control.addComment(request.body as Parameters<typeof emulator.control.addComment>[0]),
  ),
  route<ControlContext>("POST", "/__emulator/discussions/{discussion_id}/resolve", (request, { emulator }) =>
    emulator.control.resolveDiscussion(request.params.discussion_id!),
  ),
  route<ControlContext>("POST", "/__emulator/discussions/{discussion_id}/reopen", (request, { emulator }) =>
    emulator.control.reopenDiscussion(request.params.discussion_id!),
  ),
  route<ControlContext>("POST", "/__emulator/blocks", (request, { emulator }) => ({
    results: emulator.control.insertBlocks(
      request.body as Parameters<typeof emulator.control.insertBlocks>[0],
    ),
  })),
  route<ControlContext>("PATCH", "/__emulator/blocks/{block_id}", (request, { emulator }) => {
    const { author, ...patch } = (request.body ?? {}) as Json;
    return emulator.control.editBlock(request.params.block_id!, patch, author);
  }),
  route<ControlContext>("DELETE", "/__emulator/blocks/{block_id}", (request, { emulator }) =>
    emulator.control.deleteBlock(request.params.block_id!, request.query.get("author") ?? undefined),
  ),
  route<ControlContext>("PATCH", "/__emulator/pages/{page_id}", (request, { emulator }) =>
    emulator.control.updatePage(request.params.page_id!, request.body?.properties ?? {}),
  ),
  route<ControlContext>("PATCH", "/__emulator/settings", (request, { emulator }) => {
    const settings = parse(settingsSchema, request.body);
    const update: Partial<EmulatorSettings> = {};
    if (settings.rps !== undefined) update.rps = settings.rps ?? undefined;
    if (settings.burst !== undefined) update.burst = settings.burst;
    if (settings.latency_ms !== undefined) update.latencyMs = settings.latency_ms;
    if (settings.fail_rate !== undefined) update.failRate = settings.fail_rate;
    if (settings.random_seed !== undefined) update.randomSeed = settings.random_seed;
    if (settings.requests_per_minute !== undefined)
      update.requestsPerMinute = settings.requests_per_minute ?? undefined;
    if (settings.workspace_requests_per_minute !== undefined)
      update.workspaceRequestsPerMinute = settings.workspace_requests_per_minute ?? undefined;
    if (settings.window_seconds !== undefined) update.windowSeconds = settings.window_seconds;
    if (settings.workspace_extra_retry_seconds !== undefined)
      update.workspaceExtraRetrySeconds = settings.workspace_extra_retry_seconds;
    emulator.configure(update);
    return emulator.settings();
  }),
  route<ControlContext>("POST", "/__emulator/faults", (request, { emulator }) => {
    const fault = parse(faultSchema, request.body);
    const scripted: ScriptedFault = {
      endpoint: fault.endpoint,
      status: fault.status,
      count: fault.count,
      skip: fault.skip,
      afterCommit: fault.after_commit,
      retryAfterSeconds: fault.retry_after,
    };
    emulator.faults.script(scripted);
    return { scripted };
  }),
  route<ControlContext>("DELETE", "/__emulator/faults", (_request, { emulator }) => {
    emulator.faults.clearScripted();
    return { cleared: true };
  }),
];
