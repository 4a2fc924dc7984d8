/**
 * The emulator stores and answers raw Notion JSON. Requests are validated at the edge (zod) and objects are
 * filled to the API's full shapes on the way in, so inside the emulator they are handled as plain JSON.
 */
// biome-ignore lint/suspicious/noExplicitAny: raw Notion API JSON, validated where it enters the emulator.
export type Json = Record<string, any>;

export function clone<T>(value: T): T {
  return structuredClone(value);
}
