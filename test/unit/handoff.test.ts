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
    read: async () => question === undefined ? await new Promise<undefined>(() => {}) : question,
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
    const serving = asks.map(async a => { await t.serve(a.s) })
    await new Promise(resolve => setTimeout(resolve, 20))
    assert.equal(t.waiting, 256)
    assert.equal(asks.filter(a => a.answer() === 0).length, 44, 'the questions past the cap are answered at once')
    await Promise.all(serving)
    assert.equal(t.waiting, 0)
    assert.ok(asks.every(a => a.answer() === 0))
    // the same tracker still works: an id accepted while a question waits answers 1
    const a = stream(id(7))
    const p = t.serve(a.s)
    t.accepted(hex(id(7)))
    await p
    assert.equal(a.answer(), 1)
    assert.equal(t.waiting, 0)
  })

  it('a peer that never sends its question has the stream aborted after the read deadline', async () => {
    const t = new HandoffTracker({ readDeadlineMs: 50 })
    const silent = stream(undefined)
    await t.serve(silent.s)
    assert.equal(silent.aborted(), true)
    assert.equal(silent.answer(), undefined)
  })
})
