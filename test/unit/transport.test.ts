// Transport layer on 127.0.0.1 (mDNS off): dialling, bootstrap, gossip validation and forwarding, size limits, framed streams.
import '../../src/polyfill.ts'
import { createHash } from 'node:crypto'
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createPeerScoreParams, createPeerScoreThresholds, validatePeerScoreParams, validatePeerScoreThresholds } from '@libp2p/gossipsub/score'
import { Uint8ArrayList } from 'uint8arraylist'
import {
  CHAT_TOPIC_SCORE, DEFAULT_MAX_MESSAGE_BYTES, IGNORE_LIMIT, MAX_TOPICS_PER_PEER, SCORE_PARAMS, SCORE_THRESHOLDS, StreamBudget, decodeFrameLength, encodeFrameLength
} from '../../src/transport/index.js'
import type { FramedStream, Transport, Verdict } from '../../src/transport/index.js'
import { loopbackAddr, sleep, startNode, stopAll, waitFor } from '../fixtures/transport-helpers.js'

const started: Transport[] = []
async function node (options: Parameters<typeof startNode>[0] = {}): Promise<Transport> {
  const n = await startNode(options)
  started.push(n)
  return n
}
after(async () => { await stopAll(started) })

const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const str = (b: Uint8Array): string => new TextDecoder().decode(b)

/** Subscribe and collect what gets delivered. */
function collect (n: Transport, topic: string, validator: (data: string) => Verdict = () => 'accept'): Array<{ data: string, from: string }> {
  const got: Array<{ data: string, from: string }> = []
  n.subscribe(topic, (_from, data) => validator(str(data)), (data, from) => { got.push({ data: str(data), from }) })
  return got
}

describe('configuration', () => {
  it('score parameters and thresholds pass gossipsub validation', () => {
    validatePeerScoreParams(createPeerScoreParams({ ...SCORE_PARAMS, topics: { room: CHAT_TOPIC_SCORE } }))
    validatePeerScoreThresholds(createPeerScoreThresholds(SCORE_THRESHOLDS))
    assert.equal(SCORE_PARAMS.IPColocationFactorWeight, 0)
  })

  it('frame lengths round-trip as unsigned varints', () => {
    for (const n of [0, 1, 127, 128, 300, 65536, 2 ** 31]) {
      const enc = encodeFrameLength(n)
      assert.deepEqual(decodeFrameLength(new Uint8ArrayList(enc, Uint8Array.of(9))), { length: n, prefixBytes: enc.length })
      assert.equal(decodeFrameLength(new Uint8ArrayList(enc.subarray(0, enc.length - 1))), undefined)
    }
    assert.throws(() => decodeFrameLength(new Uint8ArrayList(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0x01))), { name: 'FrameTooLargeError' })
  })
})

describe('gossip', { timeout: 60_000 }, () => {
  it('two nodes: explicit dial, publish reaches the subscriber, peer events fire', async () => {
    const a = await node()
    const b = await node()
    const connected: string[] = []
    a.on('peer:connect', id => connected.push(id))
    const got = collect(b, 'two')
    assert.equal(await a.dial(loopbackAddr(b)), b.peerId)
    assert.ok(await a.waitForWritableSubscriber('two', 5000))
    assert.deepEqual(a.connections(), [b.peerId])
    assert.deepEqual(a.topicPeers('two'), [b.peerId])
    assert.equal((await a.publish('two', text('hello'))).recipients, 1)
    await waitFor(() => got.length === 1, 'delivery')
    assert.deepEqual(got, [{ data: 'hello', from: a.peerId }])
    assert.deepEqual(connected, [b.peerId])
    const gone = new Promise<string>(resolve => a.on('peer:disconnect', resolve))
    await b.stop()
    assert.equal(await gone, b.peerId)
  })

  it('three nodes via bootstrap: every subscriber gets every message', async () => {
    const hub = await node()
    const b = await node({ bootstrap: [loopbackAddr(hub)] })
    const c = await node({ bootstrap: [loopbackAddr(hub)] })
    const gotHub = collect(hub, 'three')
    const gotB = collect(b, 'three')
    const gotC = collect(c, 'three')
    await waitFor(() => hub.connections().length === 2, 'both bootstrap connections')
    assert.ok(await b.waitForWritableSubscriber('three', 5000))
    // c is not connected to b: it gets b's message through the hub's mesh.
    await waitFor(() => hub.meshPeers('three').includes(c.peerId), 'hub meshes with c')
    assert.equal((await b.publish('three', text('from b'))).recipients, 1)
    await waitFor(() => gotHub.length === 1 && gotC.length === 1, 'delivery to hub and c')
    assert.equal(gotB.length, 0, 'no echo to the publisher')
    assert.equal(gotC[0]?.from, hub.peerId, 'fromPeer is the forwarding neighbour')
  })

  it('publish with nobody writable reports 0 and does not poison a retry of the same bytes', async () => {
    const a = await node()
    const b = await node()
    const data = text('retry me')
    assert.deepEqual(await a.publish('retry', data), { recipients: 0 })
    const got = collect(b, 'retry')
    await a.dial(loopbackAddr(b))
    assert.equal(await a.waitForWritableSubscriber('retry', 5000), true)
    assert.equal((await a.publish('retry', data)).recipients, 1)
    await waitFor(() => got.length === 1, 'delivery of the retry')
    assert.deepEqual(await a.publish('retry', data), { recipients: 0, duplicate: true })
    assert.equal(await a.waitForWritableSubscriber('nobody-here', 50), false)
  })

  for (const verdict of ['reject', 'ignore'] as const) {
    it(`line A-B-C: what B's validator answers '${verdict}' is neither delivered by B nor forwarded to C`, async () => {
      const a = await node()
      const b = await node()
      const c = await node()
      const topic = `line-${verdict}`
      const seenByB: string[] = []
      const gotB = collect(b, topic, data => { seenByB.push(data); return data.startsWith('bad') ? verdict : 'accept' })
      const gotC = collect(c, topic)
      await a.dial(loopbackAddr(b))
      await b.dial(loopbackAddr(c))
      assert.deepEqual(a.connections(), [b.peerId])
      await waitFor(() => b.meshPeers(topic).includes(c.peerId), 'b meshes with c')
      assert.ok(await a.waitForWritableSubscriber(topic, 5000))
      // control: a good message crosses both hops
      await a.publish(topic, text('good 1'))
      await waitFor(() => gotC.length === 1, 'good message reaches c')
      await a.publish(topic, text('bad 1'))
      await a.publish(topic, text('good 2'))
      await waitFor(() => gotC.length === 2, 'second good message reaches c')
      await sleep(300)
      assert.deepEqual(gotB.map(m => m.data), ['good 1', 'good 2'])
      assert.deepEqual(gotC.map(m => m.data), ['good 1', 'good 2'])
      assert.ok(seenByB.includes('bad 1'), 'the validator saw the bad message')
    })
  }

  it('a neighbour whose messages we IGNORE far above a sane rate is scored down, disconnected and refused', { timeout: 60_000 }, async () => {
    const victim = await node()
    const flooder = await node()
    let ignored = 0
    victim.subscribe('junk', () => { ignored++; return 'ignore' }, () => {})
    flooder.subscribe('junk', () => 'accept', () => {})
    await flooder.dial(loopbackAddr(victim))
    assert.ok(await flooder.waitForWritableSubscriber('junk', 5000))
    for (let i = 0; i < IGNORE_LIMIT + 200 && flooder.connections().includes(victim.peerId); i++) {
      await flooder.publish('junk', text(`junk ${i}`))
    }
    await waitFor(() => !victim.connections().includes(flooder.peerId), 'the victim to hang up on the flooder')
    assert.ok(ignored > IGNORE_LIMIT, `${ignored} ignored`)
    assert.deepEqual(victim.bannedPeers().map(b => b.peer), [flooder.peerId])
    // a banned peer cannot come back at once: the victim's gater refuses the connection
    const back = await flooder.dial(loopbackAddr(victim)).then(() => 'dialled', (err: Error) => err.name)
    await sleep(500)
    assert.ok(!victim.connections().includes(flooder.peerId), `the victim holds no connection to the flooder (dial: ${back})`)
  })

  it('a peer that subscribes to more topics than any member would is disconnected and refused', { timeout: 60_000 }, async () => {
    const victim = await node()
    const greedy = await node()
    await greedy.dial(loopbackAddr(victim))
    for (let i = 0; i <= MAX_TOPICS_PER_PEER; i++) greedy.subscribe(`t${i}`, () => 'accept', () => {})
    await waitFor(() => victim.bannedPeers().some(b => b.peer === greedy.peerId), 'the victim to ban the greedy peer', 20_000)
    await waitFor(() => !victim.connections().includes(greedy.peerId), 'the victim to hang up', 5_000)
  })

  it('a peer whose streams keep breaking their limits is banned (a frame over the limit weighs 16 of the 32 strikes)', { timeout: 60_000 }, async () => {
    const victim = await node()
    await victim.handle('/test/strict/1.0.0', async (stream) => { await stream.read(64) }, { maxInboundStreams: 16 })
    const rude = await node()
    for (let i = 0; i < 32 && !victim.bannedPeers().some(b => b.peer === rude.peerId); i++) {
      try {
        const raw = await rude.libp2p.dialProtocol(victim.libp2p.getMultiaddrs()[0]!, '/test/strict/1.0.0')
        raw.send(encodeFrameLength(1 << 20)) // a megabyte announced where 64 bytes are allowed
      } catch {}
      await sleep(20)
    }
    await waitFor(() => victim.bannedPeers().some(b => b.peer === rude.peerId), 'the victim to ban the rude peer', 10_000)
    await waitFor(() => !victim.connections().includes(rude.peerId), 'and hang up', 5_000)
  })

  it('over-size messages are dropped, and the publisher refuses its own', async () => {
    const big = await node({ maxMessageBytes: 4 * 1024 * 1024 })
    const b = await node()
    const got = collect(b, 'size')
    await big.dial(loopbackAddr(b))
    assert.ok(await big.waitForWritableSubscriber('size', 5000))
    // over b's message limit but inside its RPC frame limit: the validator rejects it
    assert.equal((await big.publish('size', new Uint8Array(DEFAULT_MAX_MESSAGE_BYTES + 1).fill(1))).recipients, 1)
    // far over: gossipsub drops the frame (and its stream from that peer) before decoding
    await big.publish('size', new Uint8Array(1024 * 1024).fill(2))
    // exactly at the limit: delivered (from a fresh sender, big's stream may be gone)
    const ok = await node()
    await ok.dial(loopbackAddr(b))
    assert.ok(await ok.waitForWritableSubscriber('size', 5000))
    await ok.publish('size', new Uint8Array(DEFAULT_MAX_MESSAGE_BYTES).fill(3))
    await waitFor(() => got.length === 1, 'at-limit message')
    await sleep(200)
    assert.equal(got.length, 1)
    assert.equal(got[0]?.data.length, DEFAULT_MAX_MESSAGE_BYTES)
    await assert.rejects(ok.publish('size', new Uint8Array(DEFAULT_MAX_MESSAGE_BYTES + 1)), { name: 'FrameTooLargeError' })
  })

  it('waitForWritableSubscriber then publish delivers: 20/20 fresh senders', async () => {
    const sub = await node()
    const got = collect(sub, 'oneshot')
    const addr = loopbackAddr(sub)
    let delivered = 0
    for (let i = 0; i < 20; i++) {
      const sender = await startNode()
      try {
        await sender.dial(addr)
        assert.ok(await sender.waitForWritableSubscriber('oneshot', 5000), `sender ${i} found a writable subscriber`)
        const { recipients } = await sender.publish('oneshot', text(`one-shot ${i}`))
        assert.equal(recipients, 1, `sender ${i} recipients`)
        await waitFor(() => got.some(m => m.data === `one-shot ${i}`), `delivery ${i}`, 3000)
        delivered++
      } finally {
        await sender.stop()
      }
    }
    assert.equal(delivered, 20)
  })
})

describe('framed streams', { timeout: 30_000 }, () => {
  async function echoServer (maxFrameBytes?: number): Promise<Transport> {
    const server = await node(maxFrameBytes !== undefined ? { maxFrameBytes } : {})
    await server.handle('/test/echo/1.0.0', async (stream) => {
      while (true) {
        const frame = await stream.read()
        if (frame === undefined) break
        await stream.write(frame)
      }
      await stream.close()
    })
    return server
  }

  async function readAll (stream: FramedStream): Promise<{ bytes: number, hash: string, frames: number }> {
    const h = createHash('sha256')
    let bytes = 0
    let frames = 0
    while (true) {
      const f = await stream.read()
      if (f === undefined) return { bytes, hash: h.digest('hex'), frames }
      h.update(f)
      bytes += f.byteLength
      frames++
    }
  }

  it('echo 5 MB in 64 KiB frames, intact, then a clean end of stream', async () => {
    const server = await echoServer()
    const client = await node()
    const stream = await client.openStream(loopbackAddr(server), '/test/echo/1.0.0')
    assert.equal(stream.remotePeer, server.peerId)
    const sent = createHash('sha256')
    const reading = readAll(stream)
    for (let i = 0; i < 80; i++) {
      const frame = new Uint8Array(64 * 1024).fill(i)
      frame[0] = i >> 8
      sent.update(frame)
      await stream.write(frame)
    }
    await stream.close()
    const result = await reading
    assert.deepEqual(result, { bytes: 80 * 64 * 1024, hash: sent.digest('hex'), frames: 80 })
  })

  it('a reader that does not read pauses the writer (backpressure), then everything arrives', { timeout: 30_000 }, async () => {
    const server = await node()
    let serverStream: FramedStream | undefined
    const release = Promise.withResolvers<void>()
    const done = Promise.withResolvers<{ bytes: number, maxBuffered: number }>()
    await server.handle('/test/slow/1.0.0', async (stream) => {
      serverStream = stream
      await release.promise
      let bytes = 0
      let maxBuffered = 0
      while (true) {
        maxBuffered = Math.max(maxBuffered, stream.bufferedBytes)
        const f = await stream.read()
        if (f === undefined) break
        bytes += f.byteLength
      }
      done.resolve({ bytes, maxBuffered })
    })
    const client = await node()
    const stream = await client.openStream(loopbackAddr(server), '/test/slow/1.0.0')
    const frames = 256 // 16 MiB: well past what the windows and buffers on both sides hold
    const total = frames * 64 * 1024
    let written = 0
    const writing = (async () => {
      for (let i = 0; i < frames; i++) {
        await stream.write(new Uint8Array(64 * 1024))
        written += 64 * 1024
      }
      await stream.close()
    })()
    await sleep(500)
    assert.ok(written <= 6 * 1024 * 1024, `writer was held back (wrote ${written} of ${total} while the reader slept)`)
    assert.ok(serverStream !== undefined, 'handler ran')
    assert.equal(serverStream.status, 'open', 'paused, not aborted')
    release.resolve()
    await writing
    const result = await done.promise
    assert.equal(result.bytes, total)
  })

  it('enforces maxBytes: an over-size frame from the peer fails the read and resets the stream', async () => {
    const server = await node({ maxFrameBytes: 1000 })
    const outcome = Promise.withResolvers<unknown>()
    await server.handle('/test/limit/1.0.0', async (stream) => {
      try {
        assert.deepEqual(await stream.read(), new Uint8Array(1000))
        await stream.read()
        outcome.resolve('no error')
      } catch (err) {
        outcome.resolve(err)
      }
    })
    const client = await node()
    const stream = await client.openStream(loopbackAddr(server), '/test/limit/1.0.0', { maxFrameBytes: 100_000 })
    await stream.write(new Uint8Array(1000))
    await stream.write(new Uint8Array(1001))
    const err = await outcome.promise
    assert.equal((err as Error).name, 'FrameTooLargeError')
    await assert.rejects(stream.read(), { name: 'TransportError' })
    // and our own writes are checked against our limit
    const small = await client.openStream(loopbackAddr(server), '/test/limit/1.0.0', { maxFrameBytes: 10 })
    await assert.rejects(small.write(new Uint8Array(11)), { name: 'FrameTooLargeError' })
    small.abort(new Error('done'))
  })

  it('a frame cut short by the end of the stream is an error, not an end', async () => {
    const server = await node()
    const outcome = Promise.withResolvers<unknown>()
    await server.handle('/test/cut/1.0.0', async (stream) => {
      try {
        outcome.resolve(await stream.read())
      } catch (err) {
        outcome.resolve(err)
      }
    })
    const client = await node()
    // a raw libp2p stream: announce 10 bytes, send 3, close
    const raw = await client.libp2p.dialProtocol(server.libp2p.getMultiaddrs()[0]!, '/test/cut/1.0.0')
    raw.send(Uint8Array.of(10, 1, 2, 3))
    await raw.close()
    const err = await outcome.promise
    assert.equal((err as Error).name, 'TransportError')
    assert.match((err as Error).message, /ended inside a frame/)
  })

  it('a peer that stops inside a frame: the read deadline aborts the stream and frees its buffer', async () => {
    const server = await node()
    const outcome = Promise.withResolvers<{ err: unknown, ms: number, status: string }>()
    await server.handle('/test/partial/1.0.0', async (stream) => {
      const t0 = Date.now()
      try {
        await stream.read()
        outcome.resolve({ err: undefined, ms: Date.now() - t0, status: stream.status })
      } catch (err) {
        outcome.resolve({ err, ms: Date.now() - t0, status: stream.status })
        throw err
      }
    }, { readTimeoutMs: 300 })
    const client = await node()
    const raw = await client.libp2p.dialProtocol(server.libp2p.getMultiaddrs()[0]!, '/test/partial/1.0.0')
    raw.send(new Uint8ArrayList(encodeFrameLength(1000), new Uint8Array(999))) // all but the last byte
    const { err, ms, status } = await outcome.promise
    assert.equal((err as Error).name, 'ReadTimeoutError')
    assert.equal((err as Error).message, 'no whole frame within 300 ms')
    assert.ok(ms >= 290 && ms < 2000, `${ms} ms`)
    assert.equal(status, 'aborted')
    await waitFor(() => raw.status !== 'open', 'the peer sees its stream end')
  })

  it('a handler that finished, with a peer that keeps its side open: the stream is aborted after the grace', async () => {
    const server = await node()
    const ended = Promise.withResolvers<number>()
    let t0 = 0
    await server.handle('/test/linger/1.0.0', async (stream) => {
      t0 = Date.now()
      await stream.write(Uint8Array.of(1))
    })
    const client = await node()
    const raw = await client.libp2p.dialProtocol(server.libp2p.getMultiaddrs()[0]!, '/test/linger/1.0.0')
    raw.addEventListener('close', () => { ended.resolve(Date.now() - t0) })
    raw.send(Uint8Array.of(0)) // opens the stream on the server; we never close our side
    const ms = await ended.promise
    assert.ok(ms >= 1500 && ms < 6000, `closed after ${ms} ms`)
    assert.equal(raw.status, 'reset')
  })

  it('maxInboundStreams and a shared budget bound the streams one peer holds open', async () => {
    const server = await node()
    const budget = new StreamBudget(3)
    const running: FramedStream[] = []
    const hold = Promise.withResolvers<void>()
    const handler = async (stream: FramedStream): Promise<void> => { running.push(stream); await hold.promise }
    await server.handle('/test/held-a/1.0.0', handler, { maxInboundStreams: 2, budget })
    await server.handle('/test/held-b/1.0.0', handler, { maxInboundStreams: 2, budget })
    const client = await node()
    const open = async (protocol: string) => {
      try {
        const s = await client.libp2p.dialProtocol(server.libp2p.getMultiaddrs()[0]!, protocol)
        s.send(Uint8Array.of(0))
        return s
      } catch (err) {
        return err as Error
      }
    }
    const a = [await open('/test/held-a/1.0.0'), await open('/test/held-a/1.0.0'), await open('/test/held-a/1.0.0')]
    await waitFor(() => running.length === 2, 'two streams of protocol a run')
    await sleep(200)
    assert.equal(running.length, 2, 'the third stream of one protocol on one connection is refused by libp2p')
    const b = [await open('/test/held-b/1.0.0'), await open('/test/held-b/1.0.0')]
    await waitFor(() => budget.refused === 1, 'past the shared budget a stream is aborted before its handler')
    assert.equal(running.length, 3)
    assert.equal(budget.running, 3)
    hold.resolve()
    await waitFor(() => budget.running === 0, 'the budget is given back')
    void a; void b
  })

  it('a handler that throws aborts its stream', async () => {
    const server = await node()
    await server.handle('/test/throw/1.0.0', async () => { throw new Error('handler failed') })
    const client = await node()
    const stream = await client.openStream(loopbackAddr(server), '/test/throw/1.0.0')
    await assert.rejects(stream.read(), { name: 'TransportError' })
  })
})
