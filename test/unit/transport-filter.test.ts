// Transport peer filters on 127.0.0.1: the caller says which peers count (a room's member nodes);
// counting and waiting see only those, a publish still goes to every writable subscriber, and a
// publish that would reach nobody who counts is not made (so its retry is no duplicate).
import '../../src/polyfill.ts'
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type { Transport } from '../../src/transport/index.js'
import { loopbackAddr, startNode, stopAll, waitFor } from '../fixtures/transport-helpers.js'

const started: Transport[] = []
async function node (): Promise<Transport> {
  const n = await startNode()
  started.push(n)
  return n
}
after(async () => { await stopAll(started) })

const text = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('peer filters', { timeout: 60_000 }, () => {
  it('count and wait only for accepted peers; publish reaches everyone, counts the accepted', async () => {
    const a = await node()
    const counted = await node()
    const other = await node()
    const got = { counted: [] as string[], other: [] as string[] }
    counted.subscribe('f', () => 'accept', d => { got.counted.push(new TextDecoder().decode(d)) })
    other.subscribe('f', () => 'accept', d => { got.other.push(new TextDecoder().decode(d)) })
    const accept = new Set<string>()
    const filter = (peer: string): boolean => accept.has(peer)

    await a.dial(loopbackAddr(other))
    assert.equal(await a.waitForWritableSubscriber('f', 5000), true)
    assert.deepEqual(a.writableSubscribers('f'), [other.peerId])
    assert.deepEqual(a.writableSubscribers('f', filter), [])
    assert.equal(await a.waitForWritableSubscriber('f', 200, undefined, filter), false)
    const early = text('early')
    assert.deepEqual(await a.publish('f', early, filter), { recipients: 0 })

    // The filter is asked again while waiting: a peer it starts accepting wakes the waiter.
    await a.dial(loopbackAddr(counted))
    const waiting = a.waitForWritableSubscriber('f', 5000, undefined, filter)
    await waitFor(() => a.writableSubscribers('f').length === 2, 'both writable')
    accept.add(counted.peerId)
    assert.equal(await waiting, true)
    assert.deepEqual(a.writableSubscribers('f', filter), [counted.peerId])

    assert.deepEqual(await a.publish('f', text('both'), filter), { recipients: 1 })
    await waitFor(() => got.counted.includes('both') && got.other.includes('both'), 'both to get it')
    // Not made the first time, so not a duplicate now.
    assert.deepEqual(await a.publish('f', early, filter), { recipients: 1 })
    await waitFor(() => got.counted.includes('early'), 'the early message')
    assert.deepEqual(await a.publish('f', text('all')), { recipients: 2 }, 'no filter: every peer counts')
  })
})
