// The hand-off responder keeps bounded state (issue 15, requirement 6): a peer asking about ids
// that never come leaves nothing behind once its questions time out, a flood of questions waits
// at most MAX_WAITING at once (the rest are answered "no" at once), and a peer that never sends
// its question has its stream aborted after the read deadline.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { HandoffTracker } from '../../src/room/handoff.js'
import type { FramedStream } from '../../src/transport/index.js'

/** A stream that delivers QUESTION (or nothing, ever) and records the answer. */
function stream (question: Uint8Array | undefined): { s: FramedStream, answer: () => number | undefined, aborted: () => boolean } {
  let answer: number | undefined
  let aborted = false
  const s = {
    // like FramedStream.read: a read with no frame by its deadline aborts the stream and throws
    read: async (_max: number, timeoutMs: number) => question ?? await new Promise<undefined>((_resolve, reject) => {
      setTimeout(() => { aborted = true; reject(new Error(`no whole frame within ${timeoutMs} ms`)) }, timeoutMs)
    }),
    write: async (b: Uint8Array) => { answer = b[0] },
    close: async () => {},
    abort: () => { aborted = true }
  } as unknown as FramedStream
  return { s, answer: () => answer, aborted: () => aborted }
}

const id = (n: number): Uint8Array => { const b = new Uint8Array(32); new DataView(b.buffer).setUint32(0, n); return b }
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe('hand-off responder state', () => {
  it('questions about ids that never come: at most 256 wait, the rest are answered 0 at once, and nothing is left after', async () => {
    const t = new HandoffTracker({ serveWaitMs: 100 })
    const asks = Array.from({ length: 300 }, (_, i) => stream(id(i)))
    const serving = asks.map(async (a, i) => { await t.serve(a.s, `peer${i % 30}`, true) })
    await new Promise(resolve => setTimeout(resolve, 20))
    assert.equal(t.waiting, 256)
    assert.equal(asks.filter(a => a.answer() === 0).length, 44, 'the questions past the cap are answered at once')
    await Promise.all(serving)
    assert.equal(t.waiting, 0)
    assert.ok(asks.every(a => a.answer() === 0))
    // the same tracker still works: an id accepted while a question waits answers 1
    const a = stream(id(7))
    const p = t.serve(a.s, 'peer1', true)
    t.accepted(hex(id(7)))
    await p
    assert.equal(a.answer(), 1)
    assert.equal(t.waiting, 0)
  })

  it('a peer that never sends its question has the stream aborted after the read deadline', async () => {
    const t = new HandoffTracker({ readDeadlineMs: 50 })
    const silent = stream(undefined)
    await assert.rejects(t.serve(silent.s, 'peer1', true), { message: 'no whole frame within 50 ms' })
    assert.equal(silent.aborted(), true)
    assert.equal(silent.answer(), undefined)
  })

  it('one peer has at most 16 questions waiting; the rest of its questions are answered at once', async () => {
    const t = new HandoffTracker({ serveWaitMs: 100 })
    const asks = Array.from({ length: 40 }, (_, i) => stream(id(1000 + i)))
    const serving = asks.map(async a => { await t.serve(a.s, 'greedy', true) })
    await new Promise(resolve => setTimeout(resolve, 20))
    assert.equal(t.waiting, 16)
    assert.equal(asks.filter(a => a.answer() === 0).length, 24)
    const other = stream(id(5))
    const p = t.serve(other.s, 'polite', true)
    await new Promise(resolve => setImmediate(resolve))
    assert.equal(t.waiting, 17, 'another peer still gets its question heard')
    t.accepted(hex(id(5)))
    await p
    assert.equal(other.answer(), 1)
    await Promise.all(serving)
    assert.equal(t.waiting, 0)
  })

  it('a peer that subscribes to none of our topics is not answered: its stream is aborted', async () => {
    const t = new HandoffTracker()
    const a = stream(id(1))
    t.accepted(hex(id(1)))
    await t.serve(a.s, 'stranger', false)
    assert.equal(a.aborted(), true)
    assert.equal(a.answer(), undefined)
  })
})
