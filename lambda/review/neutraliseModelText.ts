/**
 * Makes what a model wrote safe to post on a person's page and to print: Notion mention tags become their
 * plain text (a model must not notify people or pull in the titles of pages outside the review), links
 * other than http(s) lose their target, reasoning blocks go, and every secret Margin holds is replaced by
 * `[redacted]`. Everything model-written passes through here before it reaches Notion, stdout or a log.
 */
import { stripThinking } from "./readModelTurn.ts";

export const REDACTED = "[redacted]";

/** Secrets shorter than this are not looked for: they would match ordinary words. */
const MIN_SECRET_LENGTH = 8;

/** `<mention-user url="…">Ana</mention-user>`, `<mention-page …>Title</mention-page>` and the like. */
const PAIRED_MENTION = /<mention-([a-z-]+)\b([^>]*)>([\s\S]*?)<\/mention-\1\s*>/gi;
/** `<mention-date start="2026-01-05" end="…"/>` and other self-closing mention tags. */
const SELF_CLOSING_MENTION = /<mention-([a-z-]+)\b([^>]*?)\/>/gi;
/** An opening or closing mention tag left over (unbalanced): dropped, its text kept. */
const STRAY_MENTION_TAG = /<\/?mention-[a-z-]+\b[^>]*>/gi;
/** `[text](target)`, with one level of brackets or parentheses inside. */
const LINK = /\[((?:[^[\]]|\[[^\]]*\])*)\]\(\s*<?((?:[^()\s]|\([^()]*\))*)>?(?:\s+"[^"]*")?\s*\)/g;
/** `<scheme:…>` autolinks. */
const AUTOLINK = /<([a-z][a-z0-9+.-]*:[^>\s]*)>/gi;

export function neutraliseModelText(text: string, secrets: readonly string[] = []): string {
  let safe = redactSecrets(text, secrets);
  safe = stripThinking(safe);
  safe = safe
    .replace(PAIRED_MENTION, (_tag, kind: string, attributes: string, inner: string) =>
      inner.trim() ? inner : mentionText(kind, attributes),
    )
    .replace(SELF_CLOSING_MENTION, (_tag, kind: string, attributes: string) => mentionText(kind, attributes))
    .replace(STRAY_MENTION_TAG, "");
  safe = safe
    .replace(LINK, (link, label: string, target: string) => (isWebAddress(target) ? link : label))
    .replace(AUTOLINK, (link, target: string) => (isWebAddress(target) ? link : target));
  return safe;
}

/** Replaces every secret value in the text, longest first so one secret inside another is caught whole. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let safe = text;
  const values = [...new Set(secrets.map((secret) => secret.trim()))]
    .filter((secret) => secret.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  for (const secret of values) safe = safe.split(secret).join(REDACTED);
  return safe;
}

function isWebAddress(target: string): boolean {
  return /^https?:\/\/[^\s/]/i.test(target.trim());
}

/** What a mention without text reads as: its dates, or a word for what it pointed at. */
function mentionText(kind: string, attributes: string): string {
  const dates = [...attributes.matchAll(/\b(?:start|end|date)="([^"]*)"/g)].map((match) => match[1]);
  if (dates.some(Boolean)) return dates.filter(Boolean).join(" – ");
  return MENTIONED[kind.toLowerCase()] ?? "";
}

const MENTIONED: Record<string, string> = {
  user: "someone",
  page: "a page",
  database: "a database",
  "data-source": "a database",
  agent: "an agent",
};
