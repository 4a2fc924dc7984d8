/**
 * The contract test's comparison catches what it claims to: values the recording fixes, ids used
 * inconsistently, lists of another length (empty ones included), and times in another form.
 */
import { describe, expect, it } from "vitest";
import { loadRecording } from "../support/fixtures.ts";
import { compareWithRecording, newReplayIds } from "./compareWithRecording.ts";

/** The parts of a comment answer these tests change. */
interface CommentAnswer {
  object: string;
  parent: { type: string };
  display_name: { type: string };
  rich_text: unknown[];
  request_id: string;
  created_time: string;
  last_edited_time: string;
}

/** The recorded answer to `POST /v1/comments`, and a copy to change as an emulator might answer. */
function recordedComment() {
  const recorded = loadRecording("comments_create").interactions[1]!.response_body;
  return { recorded, answer: structuredClone(recorded) as unknown as CommentAnswer };
}

describe("comparing an answer with Notion's recorded answer", () => {
  it("finds nothing to say about the recorded answer itself", () => {
    const { recorded, answer } = recordedComment();

    expect(compareWithRecording(recorded, answer, newReplayIds())).toEqual([]);
  });

  it("reports a different enum-like value: object, parent type, display name type, error code", () => {
    const { recorded, answer } = recordedComment();
    answer.object = "block";
    answer.parent.type = "block_id";
    answer.display_name.type = "user";
    const error = loadRecording("build_request_error_integration").interactions[0]!.response_body;

    expect(compareWithRecording(recorded, answer, newReplayIds())).toEqual([
      '$.object: expected "comment", got "block"',
      '$.parent.type: expected "page_id", got "block_id"',
      '$.display_name.type: expected "integration", got "user"',
    ]);
    expect(
      compareWithRecording(error, { ...error, code: "validation_error", status: 400 }, newReplayIds()),
    ).toEqual([
      "$.status: expected 404, got 400",
      '$.code: expected "object_not_found", got "validation_error"',
    ]);
  });

  it("reports items where Notion answered an empty list, and no items where it answered some", () => {
    const { recorded, answer } = recordedComment();
    answer.rich_text = [];
    const emptyList = { object: "list", results: [], has_more: false };

    expect(compareWithRecording(recorded, answer, newReplayIds())).toEqual([
      "$.rich_text: expected 1 items, got 0 []",
    ]);
    expect(
      compareWithRecording(emptyList, { ...emptyList, results: [recorded] }, newReplayIds()),
    ).toHaveLength(1);
  });

  it("maps each recorded id to the emulator's and reports an id used for two recorded ones", () => {
    const ids = newReplayIds();
    const first = {
      id: "11111111-1111-4111-8111-111111111111",
      parent: "22222222-2222-4222-8222-222222222222",
    };

    const learned = compareWithRecording(
      first,
      { id: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", parent: "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb" },
      ids,
    );
    const consistent = compareWithRecording(
      { url: "https://app.notion.com/p/X-11111111111141118111111111111111" },
      { url: "https://app.notion.com/p/X-aaaaaaaaaaaa4aaa8aaaaaaaaaaaaaaa" },
      ids,
    );
    const reused = compareWithRecording(
      { id: "33333333-3333-4333-8333-333333333333" },
      { id: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa" },
      ids,
    );
    const wrongParent = compareWithRecording(
      { parent: first.parent },
      { parent: first.id.replace(/1/g, "a") },
      ids,
    );

    expect([learned, consistent]).toEqual([[], []]);
    expect(reused).toHaveLength(2);
    expect(wrongParent).toEqual([
      '$.parent: expected "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", got "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"',
    ]);
  });

  it("accepts another request id and clock, but not a time in another form", () => {
    const { recorded, answer } = recordedComment();
    answer.request_id = "0d6f1f5e-9a51-4c1e-b0d4-7b1e0f2c9a11";
    answer.created_time = "2026-12-01T10:42:00.000Z";
    answer.last_edited_time = "2026-12-01T10:42:17.512Z";

    expect(compareWithRecording(recorded, answer, newReplayIds())).toEqual([
      '$.last_edited_time: expected a time rounded to the minute, got "2026-12-01T10:42:17.512Z"',
    ]);
  });
});
