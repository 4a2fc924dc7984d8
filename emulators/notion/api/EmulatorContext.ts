/**
 * What every endpoint handler gets: the current workspace (replaced on reset) and the integration's bot.
 */
import type { Workspace } from "../model/Workspace.ts";

export interface EmulatorContext {
  workspace: Workspace;
}
