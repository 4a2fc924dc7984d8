/**
 * A labelled document for `margin eval`: a sample document (front matter with the page's title,
 * properties and existing comments; a markdown body whose lines end in ` ^anchor` to name their blocks)
 * with an `eval` section saying what a good review of it finds:
 *
 * ```yaml
 * eval:
 *   angle: planted | clean | different   # how the document was written (see the README)
 *   deviations:                          # what the reviewer should raise (none on a clean twin)
 *     - id: no-rollback
 *       anchors: [cutover]               # blocks where a comment counts
 *       alternates: [plan, summary]      # also counts: another block, or `summary` for its findings
 *       min_severity: major
 *       keywords: [rollback, "way back"] # any of them in the summary also counts
 *   must_not_flag: [cache-ttl]           # sound decoy blocks: a comment there is a false alarm
 *   gates: { min_recall: 0.5, max_decoy_hits: 0, max_clean_noise: 0 }
 * ```
 *
 * A clean twin (`angle: clean`) has every deviation fixed: no major or critical comment is expected.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { InvalidInputError } from "../errors.ts";
import { parseFrontMatter } from "../library/frontMatter.ts";
import { SEVERITIES } from "../review/model/severity.ts";
import * as z from "../schema.ts";

const anchor = z.string().check(z.regex(/^[\w-]+$/, "should be a block anchor such as cutover"));

export const SUMMARY_ANCHOR = "summary";

const deviationSchema = z.strictObject({
  id: anchor,
  anchors: z.array(anchor).check(z.minLength(1)),
  alternates: z._default(z.array(anchor), []),
  min_severity: z.enum(SEVERITIES),
  keywords: z.array(z.string().check(z.trim(), z.minLength(2))).check(z.minLength(1)),
});

const gatesSchema = z.strictObject({
  /** Deviations found, as a share of those planted (0 to 1). */
  min_recall: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  /** Comments on sound decoy blocks. */
  max_decoy_hits: z.optional(z.number().check(z.int(), z.minimum(0))),
  /** Major or critical comments on a clean twin. */
  max_clean_noise: z.optional(z.number().check(z.int(), z.minimum(0))),
  /** Inline comments that land on a planted deviation, as a share of all (0 to 1). */
  min_precision: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
});

export const evalLabelsSchema = z.strictObject({
  angle: z.enum(["planted", "clean", "different"]),
  deviations: z._default(z.array(deviationSchema), []),
  must_not_flag: z._default(z.array(anchor), []),
  gates: z._default(gatesSchema, {}),
});

export type EvalLabels = z.infer<typeof evalLabelsSchema>;
export type Deviation = EvalLabels["deviations"][number];
export type EvalGates = EvalLabels["gates"];

/** The people documents name (owners, approvers, comment authors), as the eval workspace seeds them. */
export const EVAL_PEOPLE = [
  { id: "priya", name: "Priya Raman" },
  { id: "marcus", name: "Marcus Chen" },
  { id: "dana", name: "Dana Okafor" },
  { id: "lee", name: "Lee Park" },
  { id: "sam", name: "Sam Alvarez" },
  { id: "ivy", name: "Ivy Nguyen" },
] as const;

const person = z.enum(EVAL_PEOPLE.map((entry) => entry.id) as [string, ...string[]]);

const documentSchema = z.strictObject({
  title: z.string().check(z.minLength(1)),
  properties: z.strictObject({
    Status: z.enum(["Draft", "In review", "Approved"]),
    Owner: z.array(person),
    Approvers: z.array(person),
    "Ready for review": z.boolean(),
  }),
  comments: z._default(
    z.array(z.strictObject({ block: anchor, author: person, text: z.string().check(z.minLength(1)) })),
    [],
  ),
  eval: evalLabelsSchema,
});

export interface EvalDocument {
  /** The reviewer's file name without `.md` ("rfc-reviewer"): its folder under `prompts/eval/`. */
  reviewer: string;
  /** The document's file name without `.md`. */
  name: string;
  file: string;
  title: string;
  properties: z.infer<typeof documentSchema>["properties"];
  comments: Array<{ block: string; author: string; text: string }>;
  /** The body; lines ending in ` ^anchor` name their blocks. */
  markdown: string;
  labels: EvalLabels;
}

/**
 * Every labelled document under `folder` (one folder per reviewer, named as its prompt file), or the named
 * reviewers' only, with each problem found in them (a file with problems is left out).
 */
export function readEvalDocuments(
  folder: string,
  reviewers?: string[],
): { documents: EvalDocument[]; problems: string[] } {
  if (!existsSync(folder)) return { documents: [], problems: [] };
  const documents: EvalDocument[] = [];
  const problems: string[] = [];
  const folders = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && (!reviewers || reviewers.includes(entry.name)))
    .map((entry) => entry.name)
    .sort();
  for (const reviewer of folders) {
    const files = readdirSync(join(folder, reviewer))
      .filter((name) => name.endsWith(".md") && name.toLowerCase() !== "readme.md")
      .sort();
    for (const name of files) {
      try {
        documents.push(readEvalDocument(join(folder, reviewer, name), reviewer));
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        problems.push(error.message);
      }
    }
  }
  return { documents, problems };
}

/**
 * What the library's evaluation set lacks: every reviewer needs a planted document, its clean twin and
 * one written from a different angle; every folder must be a reviewer's.
 */
export function coverageProblems(documents: EvalDocument[], reviewers: string[], folder: string): string[] {
  const problems: string[] = [];
  for (const reviewer of reviewers) {
    const angles = new Set(
      documents.filter((document) => document.reviewer === reviewer).map((document) => document.labels.angle),
    );
    const lacking = (["planted", "clean", "different"] as const).filter((angle) => !angles.has(angle));
    if (lacking.length > 0)
      problems.push(
        `${join(folder, reviewer)}: no ${lacking.join(", ")} document for ${reviewer} (see prompts/eval/README.md)`,
      );
  }
  for (const reviewer of new Set(documents.map((document) => document.reviewer))) {
    if (!reviewers.includes(reviewer))
      problems.push(
        `${join(folder, reviewer)}: no reviewer ${reviewer}.md in the library for these documents`,
      );
  }
  return problems;
}

export function readEvalDocument(path: string, reviewer: string): EvalDocument {
  const file = relative(process.cwd(), path) || path;
  const { fields, body } = parseFrontMatter(readFileSync(path, "utf8"), file, documentSchema);
  const document: EvalDocument = {
    reviewer,
    name: basename(path, ".md"),
    file,
    title: fields.title,
    properties: fields.properties,
    comments: fields.comments,
    markdown: body,
    labels: fields.eval,
  };
  const problems = labelProblems(document);
  if (problems.length > 0) throw new InvalidInputError(`${file}: ${problems.join("; ")}.`);
  return document;
}

/** The block anchors a body names (` ^anchor` at the end of a line). */
export function anchorsOf(markdown: string): string[] {
  return [...markdown.matchAll(/ \^([\w-]+)[ \t]*$/gm)].map((match) => match[1]!);
}

/** What the labels get wrong about the body: anchors it does not name, ids used twice, a clean twin with deviations. */
function labelProblems(document: EvalDocument): string[] {
  const named = anchorsOf(document.markdown);
  const known = new Set(named);
  const problems: string[] = [];
  const duplicates = named.filter((name, index) => named.indexOf(name) !== index);
  if (duplicates.length > 0)
    problems.push(`anchors named twice in the body: ${[...new Set(duplicates)].join(", ")}`);
  const { labels } = document;
  const ids = labels.deviations.map((deviation) => deviation.id);
  const twice = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (twice.length > 0) problems.push(`deviation ids used twice: ${twice.join(", ")}`);
  for (const deviation of labels.deviations) {
    for (const name of [...deviation.anchors, ...deviation.alternates]) {
      if (name !== SUMMARY_ANCHOR && !known.has(name))
        problems.push(
          `deviation ${deviation.id} names block ${name}, which no line of the body ends with ^${name}`,
        );
    }
  }
  for (const name of labels.must_not_flag) {
    if (!known.has(name))
      problems.push(`must_not_flag names block ${name}, which no line of the body ends with ^${name}`);
  }
  for (const comment of document.comments) {
    if (!known.has(comment.block))
      problems.push(`a comment is on block ${comment.block}, which the body does not name`);
  }
  if (labels.angle === "clean" && labels.deviations.length > 0)
    problems.push("a clean twin lists deviations: fix them in the document and leave deviations empty");
  if (labels.angle !== "clean" && labels.deviations.length === 0)
    problems.push(`a ${labels.angle} document lists no deviations: label what a reviewer should raise`);
  return problems;
}
