import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { inScope, Local, LocalManager, streamWithContext } from "../mod.ts";
import { sleep } from "./_helpers.ts";

const g = new Local<{ id: string }>();
const manager = new LocalManager(g);
const decoder = new TextDecoder();

/** Reads every chunk of `stream` from wherever this is called. */
async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const chunks: T[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const text = (chunks: Uint8Array[]): string[] => chunks.map((chunk) => decoder.decode(chunk));

/** `streamWithContext(make())` created in a scope whose g.id is `id`. */
function streamIn<T>(id: string, make: () => Parameters<typeof streamWithContext<T>>[0]) {
  return manager.run(() => {
    g.id = id;
    return streamWithContext(make());
  });
}

describe("streamWithContext() sources", () => {
  it("streamWithContext() pulls an async generator in the scope of the call, read from another", async () => {
    async function* ids(): AsyncGenerator<string> {
      for (let i = 0; i < 3; i++) {
        await sleep(1);
        yield `${g.id}:${inScope()}`;
      }
    }
    const stream = streamIn("s1", ids);
    const chunks = await manager.run(() => {
      g.id = "reader";
      return readAll(stream);
    });
    assert.deepEqual(text(chunks), ["s1:true", "s1:true", "s1:true"]);
  });

  it("streamWithContext() reads a ReadableStream whose pull reads the scope", async () => {
    const stream = streamIn("rs", () =>
      new ReadableStream<string>({
        pull(controller) {
          controller.enqueue(g.id ?? "unbound");
          controller.close();
        },
      }, { highWaterMark: 0 }));
    assert.deepEqual(text(await readAll(stream)), ["rs"]);
  });

  it("streamWithContext() reads ReadableStream.from(generator) in scope", async () => {
    async function* one(): AsyncGenerator<string> {
      await sleep(1);
      yield g.id ?? "unbound";
    }
    assert.deepEqual(text(await readAll(streamIn("from", () => ReadableStream.from(one())))), [
      "from",
    ]);
  });

  it("streamWithContext() reads sync iterables: arrays and generators", async () => {
    function* twice(): Generator<string> {
      yield g.id ?? "unbound";
      yield g.id ?? "unbound";
    }
    assert.deepEqual(text(await readAll(streamIn("sync", twice))), ["sync", "sync"]);
    assert.deepEqual(text(await readAll(streamIn("array", () => ["a", "b"]))), ["a", "b"]);
  });

  it("streamWithContext() reads a Node Readable (an AsyncIterable of Buffers)", async () => {
    const chunks = await readAll(streamIn("node", () => Readable.from([Buffer.from("hi")])));
    assert.deepEqual(text(chunks as Uint8Array[]), ["hi"]);
  });

  it("streamWithContext() encodes strings as UTF-8 and passes other chunks unchanged", async () => {
    const bytes = new Uint8Array([1, 2]);
    const object = { not: "bytes" };
    const chunks = await readAll(streamWithContext<string | Uint8Array | object>([
      "héllo",
      bytes,
      object,
    ]));
    assert.deepEqual(chunks[0], new TextEncoder().encode("héllo"));
    assert.equal(chunks[1], bytes);
    assert.equal(chunks[2], object);
  });

  it("streamWithContext() as a Response body sends the chunks as bytes", async () => {
    const response = manager.run(() => {
      g.id = "body";
      return new Response(streamWithContext((function* () {
        yield `${g.id} `;
        yield new TextEncoder().encode("bytes");
      })()));
    });
    assert.equal(await response.text(), "body bytes");
  });
});

describe("streamWithContext() back-pressure and ending", () => {
  it("streamWithContext() steps the source once per read and never ahead", async () => {
    let steps = 0;
    function* counter(): Generator<string> {
      for (;;) yield String(++steps);
    }
    const reader = streamWithContext(counter()).getReader();
    await sleep(5);
    assert.equal(steps, 0, "the source started before anything was read");
    for (let read = 1; read <= 3; read++) {
      const { value } = await reader.read();
      assert.equal(decoder.decode(value), String(read));
      await sleep(5);
      assert.equal(steps, read, "the source ran ahead of the reader");
    }
    await reader.cancel();
  });

  it("streamWithContext() closes when the source ends and errors when it throws", async () => {
    assert.deepEqual(await readAll(streamWithContext([])), []);
    async function* failing(): AsyncGenerator<string> {
      yield "first";
      throw new RangeError("source failed");
    }
    const reader = streamWithContext(failing()).getReader();
    assert.equal(decoder.decode((await reader.read()).value), "first");
    await assert.rejects(reader.read(), { name: "RangeError", message: "source failed" });
  });

  it("cancel() runs an async generator's return() and finally in the captured scope", async () => {
    const finals: [string | undefined, boolean][] = [];
    async function* forever(): AsyncGenerator<string> {
      try {
        for (;;) {
          await sleep(1);
          yield g.id ?? "unbound";
        }
      } finally {
        finals.push([g.id, inScope()]);
      }
    }
    const reader = streamIn("cancelled", forever).getReader();
    assert.equal(decoder.decode((await reader.read()).value), "cancelled");
    const pending = reader.read(); // a step in flight when the consumer cancels
    await manager.run(() => {
      g.id = "canceller";
      return reader.cancel("client went away");
    });
    assert.deepEqual(await pending, { done: true, value: undefined });
    assert.deepEqual(finals, [["cancelled", true]]);
  });

  it("cancel() runs a sync generator's finally in the captured scope", async () => {
    const finals: (string | undefined)[] = [];
    function* forever(): Generator<string> {
      try {
        for (;;) yield "tick";
      } finally {
        finals.push(g.id);
      }
    }
    const reader = streamIn("sync-cancel", forever).getReader();
    await reader.read();
    await reader.cancel();
    assert.deepEqual(finals, ["sync-cancel"]);
  });

  it("cancel() cancels a ReadableStream source with the reason, in the captured scope", async () => {
    const cancelled: [unknown, string | undefined][] = [];
    const reader = streamIn("rs-cancel", () =>
      new ReadableStream<string>({
        pull: (controller) => controller.enqueue("x"),
        cancel: (reason) => void cancelled.push([reason, g.id]),
      })).getReader();
    await reader.read();
    await reader.cancel("stop");
    assert.deepEqual(cancelled, [["stop", "rs-cancel"]]);
  });
});

describe("streamWithContext() bad arguments", () => {
  const expected = "streamWithContext() expects a ReadableStream, an AsyncIterable or an Iterable";
  for (
    const [label, value, received] of [
      ["a number", 7, "the number 7"],
      ["null", null, "null"],
      ["undefined", undefined, "undefined"],
      ["a plain object", { next() {} }, "a plain object"],
    ] as const
  ) {
    it(`streamWithContext() throws a TypeError for ${label}`, () => {
      assert.throws(() => streamWithContext(value as never), {
        name: "TypeError",
        message: `${expected} of chunks; received ${received}`,
      });
    });
  }

  it("streamWithContext() throws a TypeError for a string, which would stream characters", () => {
    assert.throws(() => streamWithContext("text" as never), {
      name: "TypeError",
      message: `${expected} of chunks (wrap a string in an array); received the string "text"`,
    });
  });

  it("streamWithContext() throws a TypeError for a locked ReadableStream", () => {
    const stream = new ReadableStream();
    stream.getReader();
    assert.throws(() => streamWithContext(stream), {
      name: "TypeError",
      message:
        "streamWithContext() expects an unlocked ReadableStream; received a locked one (it has a reader)",
    });
  });

  it("streamWithContext() throws a TypeError for an iterable whose iterator has no next()", () => {
    assert.throws(() => streamWithContext({ [Symbol.iterator]: () => 5 } as never), {
      name: "TypeError",
      message: /expects an iterable whose iterator has a next\(\) method; received a plain object/,
    });
  });
});
