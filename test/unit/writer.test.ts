// Tests for src/room/writer.ts: batching, the idle fast path, shown-after-written order, work
// after durability, keys derived ahead after a flush, and a failing job or write not wedging it.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { setImmediate as tick } from 'node:timers/promises'
import { BatchWriter } from '../../src/room/writer.js'
import type { SqlStatement } from '../../src/store/index.js'

function setup (opts: { failCommit?: boolean } = {}) {
  const events: string[] = []
  const batches: SqlStatement[][] = []
  const writer = new BatchWriter<string>({
    tables: {
      commit: (statements: SqlStatement[], withinMs = 0) => {
        if (opts.failCommit === true) throw new Error('disk full')
        batches.push(statements)
        events.push(`commit ${statements.map(s => s[0]).join(',')} within ${withinMs}`)
        return Promise.resolve().then(() => { events.push('durable') })
      }
    },
    show: m => { events.push(`show ${m}`) },
    log: m => { events.push(`log ${m}`) }
  }, { durableWithinMs: 1000, idleFlushMs: 5, prepareAfterMs: 10 })
  return { writer, events, batches }
}

describe('BatchWriter', () => {
  it('writes a burst as one batch after the I/O phase, and shows only what was written', async () => {
    const { writer, events, batches } = setup()
    writer.queue([['a']], ['m1'])
    writer.later(() => { writer.queue([['b']], ['m2']) })
    writer.queue([['c']], ['m3'])
    assert.deepEqual(events, [])
    await tick()
    assert.equal(batches.length, 1)
    assert.deepEqual(batches[0]!.map(s => s[0]), ['a', 'c', 'b']) // jobs run at flush time
    assert.deepEqual(events.slice(0, 4), ['commit a,c,b within 1000', 'show m1', 'show m3', 'show m2'])
  })

  it('an urgent write on an idle writer runs as the next microtask; right after a flush it waits for the batch', async () => {
    const { writer, events } = setup()
    writer.later(() => { writer.queue([['x']], ['lone']) }, true)
    await Promise.resolve()
    assert.deepEqual(events.slice(0, 2), ['commit x within 1000', 'show lone'])
    writer.later(() => { writer.queue([['y']], ['busy']) }, true) // flushed < 5 ms ago: batched
    await Promise.resolve()
    assert.ok(!events.includes('show busy'))
    await tick()
    assert.ok(events.includes('show busy'))
  })

  it('work for after the batch runs once it is durable, and asks for the fdatasync at once', async () => {
    const { writer, events } = setup()
    writer.queue([['r']], ['m'], () => { events.push('receipt') })
    await writer.flush()
    assert.deepEqual(events, ['commit r within 0', 'show m', 'durable', 'receipt'])
  })

  it('derives chain keys ahead only after the flush, and close() cancels that', async () => {
    const { writer } = setup()
    let prepared = 0
    writer.prepare({ prepareNext: () => { prepared++ } })
    writer.queue([['s']])
    await writer.flush()
    assert.equal(prepared, 0)
    await new Promise(resolve => setTimeout(resolve, 30))
    assert.equal(prepared, 1)
    writer.prepare({ prepareNext: () => { prepared++ } })
    await writer.close([['final']])
    await new Promise(resolve => setTimeout(resolve, 30))
    assert.equal(prepared, 1)
  })

  it('a write that fails shows nothing and logs; a job that throws does not stop later flushes', async () => {
    const failing = setup({ failCommit: true })
    failing.writer.queue([['a']], ['never'])
    await failing.writer.flush()
    assert.deepEqual(failing.events, ['log could not store 1 message(s): disk full'])

    const { writer, events } = setup()
    writer.later(() => { throw new Error('bug') })
    await assert.rejects(writer.flush(), /bug/)
    writer.queue([['b']], ['after'])
    await tick()
    assert.ok(events.includes('show after'))
  })
})
