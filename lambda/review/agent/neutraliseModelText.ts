/**
 * Makes what a model wrote safe to post on a person's page and to print: Notion mention tags become their
 * plain text (a model must not notify people or pull in the titles of pages outside the review), links
 * whose target is not a web address lose their target, and every secret Margin holds is replaced by
 * `[redacted]`. Code spans are left as written: Notion shows them literally, and reviews quote code. Every
 * pattern is bounded, so text of any length is handled in linear time.
 */

export const REDACTED = "[redacted]";

/** Secrets shorter than this are not looked for: they would match ordinary words. */
const MIN_SECRET_LENGTH = 8;

/** `<mention-user url="…">Ana</mention-user>`, `<mention-page …>Title</mention-page>` and the like. */
const PAIRED_MENTION = /<mention-([a-z-]{1,30})\b([^<>]{0,2000})>([^<]{0,2000})<\/mention-\1\s*>/gi;
/** `<mention-date start="2026-01-05" end="…"/>` and other self-closing mention tags. */
const SELF_CLOSING_MENTION = /<mention-([a-z-]{1,30})\b([^<>]{0,2000}?)\/>/gi;
/** An opening or closing mention tag left over (unbalanced): dropped, its text kept. */
const STRAY_MENTION_TAG = /<\/?mention-[a-z-]{1,30}\b[^<>]{0,2000}>/gi;
/** `[text](scheme:target)`, one level of parentheses allowed in the target; links without a scheme are not touched. */
const LINK =
  /\[([^[\]\n]{0,500})\]\(\s{0,5}<?([a-z][a-z0-9+.-]{0,30}:(?:[^\s()<>]|\([^\s()<>]{0,200}\)){0,2000})>?\s{0,5}\)/gi;
/** `<scheme:…>` autolinks, for schemes that make links (web, mail, script, file, data, Notion's own). */
const AUTOLINK = /<((?:https?|mailto|javascript|vbscript|file|data|notion|ftp|tel):[^\s<>]{1,2000})>/gi;
/** Inline code spans, which Notion shows as written. */
const CODE_SPAN = /(`+)[^`]{0,5000}?\1/g;

export function neutraliseModelText(text: string, secrets: readonly string[] = []): string {
  const redacted = redactSecrets(text, secrets);
  let safe = "";
  let last = 0;
  for (const span of redacted.matchAll(CODE_SPAN)) {
    safe += neutraliseProse(redacted.slice(last, span.index)) + span[0];
    last = span.index + span[0].length;
  }
  return safe + neutraliseProse(redacted.slice(last));
}

function neutraliseProse(text: string): string {
  return text
    .replace(PAIRED_MENTION, (_tag, kind: string, attributes: string, inner: string) =>
      inner.trim() ? inner : mentionText(kind, attributes),
    )
    .replace(SELF_CLOSING_MENTION, (_tag, kind: string, attributes: string) => mentionText(kind, attributes))
    .replace(STRAY_MENTION_TAG, "")
    .replace(LINK, (link, label: string, target: string) => (isWebAddress(target) ? link : label))
    .replace(AUTOLINK, (link, target: string) => (isWebAddress(target) ? link : target));
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
  const dates = [...attributes.matchAll(/\b(?:start|end|date)="([^"]{0,100})"/g)].map((match) => match[1]);
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
