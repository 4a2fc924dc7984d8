/**
 * The local SQS FIFO queue, driven through the real `@aws-sdk/client-sqs`, behaves as the Amazon SQS
 * Developer Guide describes FIFO queues (the emulator's own logic, not Margin's `FifoQueue`).
 */
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { SqsEmulator } from "../../emulators/aws/SqsEmulator.ts";

let emulator: SqsEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** An emulator with a clock the test moves, a FIFO queue created through the API, and a client for it. */
async function fifoQueue(attributes: Record<string, string> = {}) {
  let now = Date.parse("2026-12-01T09:00:00Z");
  emulator = await SqsEmulator.start(0, { now: () => now });
  const client = new SQSClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const created = await client.send(
    new CreateQueueCommand({
      QueueName: "jobs.fifo",
      Attributes: { FifoQueue: "true", VisibilityTimeout: "30", ...attributes },
    }),
  );
  const url = created.QueueUrl!;
  return {
    client,
    url,
    advance: (ms: number) => {
      now += ms;
    },
    send: (body: string, group: string, deduplicationId = body) =>
      client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: body,
          MessageGroupId: group,
          MessageDeduplicationId: deduplicationId,
        }),
      ),
    receive: async (max = 10) =>
      (await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: max }))).Messages ??
      [],
    remove: (message: Message) =>
      client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle })),
  };
}

const bodies = (messages: Message[]) => messages.map((message) => message.Body);

describe("the local SQS FIFO queue", () => {
  it("delivers a group's messages in order, as many as asked in one receive, then other groups", async () => {
    const queue = await fifoQueue();
    await queue.send("a1", "a");
    await queue.send("b1", "b");
    await queue.send("a2", "a");
    await queue.send("a3", "a");

    expect(bodies(await queue.receive(3))).toEqual(["a1", "a2", "a3"]);
    expect(bodies(await queue.receive(3))).toEqual(["b1"]);
  });

  it("holds back a group while any of its messages is in flight, and goes on once they are deleted", async () => {
    const queue = await fifoQueue();
    await queue.send("a1", "a");
    await queue.send("a2", "a");

    const first = await queue.receive(1);
    const whileInFlight = await queue.receive(10);
    await queue.remove(first[0]!);
    const afterDelete = await queue.receive(10);

    expect(bodies(first)).toEqual(["a1"]);
    expect(whileInFlight).toEqual([]);
    expect(bodies(afterDelete)).toEqual(["a2"]);
  });

  it("delivers a message again when its visibility timeout ends, counting the receives", async () => {
    const queue = await fifoQueue();
    await queue.send("job", "g");

    const first = await queue.receive();
    queue.advance(29_000);
    const tooEarly = await queue.receive();
    queue.advance(1_000);
    const again = await queue.receive();

    expect(first[0]!.Attributes).toMatchObject({ ApproximateReceiveCount: "1", MessageGroupId: "g" });
    expect(tooEarly).toEqual([]);
    expect(again[0]).toMatchObject({ Body: "job", Attributes: { ApproximateReceiveCount: "2" } });
    expect(again[0]!.ReceiptHandle).not.toBe(first[0]!.ReceiptHandle);
  });

  it("makes a message visible at once when its visibility is set to zero", async () => {
    const queue = await fifoQueue();
    await queue.send("job", "g");
    const [message] = await queue.receive();

    await queue.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queue.url,
        ReceiptHandle: message!.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );

    expect(bodies(await queue.receive())).toEqual(["job"]);
  });

  it("accepts a repeated deduplication id within five minutes without queueing it, even after a delete", async () => {
    const queue = await fifoQueue();
    const original = await queue.send("first", "g", "same-id");
    const [received] = await queue.receive();
    await queue.remove(received!);

    const repeat = await queue.send("second", "g", "same-id");
    const withinInterval = await queue.receive();
    queue.advance(5 * 60 * 1000);
    await queue.send("third", "g", "same-id");

    expect(repeat.MessageId).toBe(original.MessageId);
    expect(withinInterval).toEqual([]);
    expect(bodies(await queue.receive())).toEqual(["third"]);
  });

  it("deduplicates on the body with content-based deduplication, and refuses a message with neither", async () => {
    const queue = await fifoQueue({ ContentBasedDeduplication: "true" });
    await queue.client.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "x", MessageGroupId: "g" }),
    );
    await queue.client.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "x", MessageGroupId: "g" }),
    );

    const plain = await queue.client.send(
      new CreateQueueCommand({ QueueName: "plain.fifo", Attributes: { FifoQueue: "true" } }),
    );

    expect(bodies(await queue.receive())).toEqual(["x"]);
    await expect(
      queue.client.send(
        new SendMessageCommand({ QueueUrl: plain.QueueUrl, MessageBody: "x", MessageGroupId: "g" }),
      ),
    ).rejects.toMatchObject({ name: "InvalidParameterValue" });
  });

  it("moves a message to the dead-letter queue after maxReceiveCount receives", async () => {
    const queue = await fifoQueue();
    await queue.client.send(
      new CreateQueueCommand({
        QueueName: "work.fifo",
        Attributes: {
          FifoQueue: "true",
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:jobs.fifo",
            maxReceiveCount: "2",
          }),
        },
      }),
    );
    const work = queue.url.replace("jobs.fifo", "work.fifo");
    await queue.client.send(
      new SendMessageBatchCommand({
        QueueUrl: work,
        Entries: [{ Id: "1", MessageBody: "poison", MessageGroupId: "g", MessageDeduplicationId: "p" }],
      }),
    );
    const receiveWork = async () =>
      (await queue.client.send(new ReceiveMessageCommand({ QueueUrl: work, MaxNumberOfMessages: 10 })))
        .Messages ?? [];

    const receives = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      receives.push((await receiveWork()).length);
      queue.advance(30_000);
    }

    expect(receives).toEqual([1, 1, 0]);
    expect(bodies(await queue.receive())).toEqual(["poison"]);
  });

  it("refuses a receipt handle it never issued", async () => {
    const queue = await fifoQueue();

    await expect(
      queue.client.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: "made-up" })),
    ).rejects.toMatchObject({ name: "ReceiptHandleIsInvalid" });
  });
});
