/**
 * POST /v1/search: pages and data sources whose title contains the query (case-insensitive), newest edit
 * first unless asked otherwise, paginated.
 */
import { invalid, listEnvelope, paginate, requireBody } from "../http/apiInput.ts";
import { route } from "../http/Router.ts";
import { clone, type Json } from "../model/Json.ts";
import { plainText } from "../model/richText.ts";
import { titleOf } from "../model/Workspace.ts";
import type { EmulatorContext } from "./EmulatorContext.ts";

export const searchApi = [
  route<EmulatorContext>("POST", "/v1/search", (request, { workspace }) => {
    const body = requireBody(request);
    const query = String(body.query ?? "").toLowerCase();
    const only = body.filter?.value;
    if (only !== undefined && only !== "page" && only !== "data_source") {
      throw invalid("body.filter.value", '`"page"` or `"data_source"`', only);
    }
    const candidates: Json[] = [];
    if (only !== "data_source") {
      for (const id of workspace.pages.keys()) {
        if (workspace.isVisible(id) && !workspace.isTrashed(id)) candidates.push(workspace.pageView(id));
      }
    }
    if (only !== "page") {
      for (const dataSource of workspace.dataSources.values()) {
        if (workspace.isVisible(dataSource.id) && !dataSource.in_trash) candidates.push(clone(dataSource));
      }
    }
    const matching = candidates.filter((item) => {
      const title = item.object === "page" ? plainText(titleOf(item)) : plainText(item.title);
      return !query || title.toLowerCase().includes(query);
    });
    const ascending = body.sort?.direction === "ascending";
    matching.sort((a, b) =>
      a.last_edited_time === b.last_edited_time
        ? 0
        : a.last_edited_time < b.last_edited_time === ascending
          ? -1
          : 1,
    );
    return listEnvelope(
      "page_or_data_source",
      paginate(matching, (item: Json) => item.id, body, "body"),
    );
  }),
];
