/**
 * GET /v1/users/me, /v1/users/{user_id}, /v1/users.
 */

import { listEnvelope, paginate, pathId, queryParams } from "../http/apiInput.ts";
import { route } from "../http/Router.ts";
import { clone, type Json } from "../model/Json.ts";
import { NotionApiError } from "../NotionApiError.ts";
import type { EmulatorContext } from "./EmulatorContext.ts";

export const usersApi = [
  route<EmulatorContext>("GET", "/v1/users/me", (_request, { workspace }) => clone(workspace.bot())),
  route<EmulatorContext>("GET", "/v1/users/{user_id}", (request, { workspace }) => {
    const id = pathId(request, "user_id");
    const user = workspace.users.get(id);
    if (!user) throw NotionApiError.notFound("user", id);
    return clone(user);
  }),
  route<EmulatorContext>("GET", "/v1/users", (request, { workspace }) => {
    const users = [...workspace.users.values()].map(clone);
    return listEnvelope(
      "user",
      paginate(users, (user: Json) => user.id, queryParams(request), "query"),
    );
  }),
];
