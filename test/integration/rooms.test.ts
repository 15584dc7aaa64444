// Rooms end to end with the built binary: three members in three processes on 127.0.0.1 talk
// both ways; a non-member libp2p node injects forged, bit-flipped, truncated, oversized and
// cross-room envelopes that nobody shows, stores or forwards; history survives a restart and a
// replay after the restart is not shown again.
import '../../src/polyfill.ts'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { Ed25519PrivateKey } from '../../src/crypto/index.js'
import { sealEnvelope } from '../../src/room/envelope.js'
import { OutboundSenderChain } from '../../src/room/sender-keys.js'
import { fromString } from 'uint8arrays'
import type { Transport } from '../../src/transport/index.js'
import { runBinary, tempDir } from '../helpers/cli.js'
import { Proc, freePort } from '../helpers/proc.js'
import { sleep, startNode, stopAll } from '../fixtures/transport-helpers.js'

const NET = ['--no-mdns']
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

interface Shown { room: string, roomId: string, id: string, from: string, fromName: string, ts: string, text: string, priority: number, tags: string[] }

describe('rooms end to end', { timeout: 240_000 }, () => {
  const { dir, cleanup } = tempDir('conclave-rooms-')
  const home = { a: `${dir}/alice`, b: `${dir}/bob`, c: `${dir}/carol` }
  let portA = 0
  let peerA = ''
  let addrA = ''
  let ops = { roomId: '', topic: '' }
  let ops2 = { roomId: '', topic: '' }
  const procs: Record<string, Proc> = {}
  const nodes: Transport[] = []
  const captured: Uint8Array[] = []
  const observed: string[] = []
  const injected: string[] = []

  const chat = (who: 'a' | 'b' | 'c', extra: string[] = []): Proc =>
    new Proc(['chat', 'ops', '--json', '-vv', '--home', home[who], ...NET, ...extra])
  const texts = (p: Proc): string[] => p.json<Shown>().map(m => m.text)

  before(async () => {
    for (const [who, name] of [['a', 'alice'], ['b', 'bob'], ['c', 'carol']] as const) {
      const r = await runBinary(['init', '--name', name, '--home', home[who]])
      assert.equal(r.code, 0, r.stderr)
    }
    peerA = JSON.parse((await runBinary(['id', '--json', '--home', home.a])).stdout).peerId
    portA = await freePort()
    addrA = `/ip4/127.0.0.1/tcp/${portA}/p2p/${peerA}`
    ops = JSON.parse((await runBinary(['create', 'ops', '--json', '--home', home.a])).stdout)
    ops2 = JSON.parse((await runBinary(['create', 'ops2', '--json', '--home', home.a])).stdout)
    const inv = await runBinary(['invite', 'ops', '--uses', '2', '--home', home.a, '--listen', `/ip4/127.0.0.1/tcp/${portA}`])
    assert.equal(inv.code, 0, inv.stderr)
    const ticket = inv.stdout.trim()
    assert.match(ticket, /^conclave1:[a-z2-7]+$/)

    procs.a = chat('a', ['--listen', `/ip4/127.0.0.1/tcp/${portA}`])
    await procs.a.waitForStderr(/chatting in 'ops'/)
    for (const who of ['b', 'c'] as const) {
      const j = await runBinary(['join', ticket, '--home', home[who], '--listen', '/ip4/127.0.0.1/tcp/0', ...NET])
      assert.equal(j.code, 0, j.stderr)
      assert.match(j.stdout, /^ops [a-z2-7]{52}\n$/)
    }
    procs.b = chat('b', ['--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', addrA])
    procs.c = chat('c', ['--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', addrA])
    await procs.b.waitForStderr(/keys exchanged with/)
    await procs.c.waitForStderr(/keys exchanged with/)
    // A has met both; give the topic subscriptions a moment to reach every side.
    await procs.a.waitFor('A to meet B and C', () => procs.a!.stderr.filter(l => /keys exchanged with/.test(l)).length >= 2)
    await sleep(1000)
  })

  after(async () => {
    await stopAll(nodes)
    await Promise.all(Object.values(procs).map(async p => await p.stop()))
    cleanup()
  })

  it('three members exchange messages both ways', async () => {
    procs.a!.write('hello from alice')
    procs.b!.write('hello from bob')
    procs.c!.write('hello from carol')
    const want = { a: ['hello from bob', 'hello from carol'], b: ['hello from alice', 'hello from carol'], c: ['hello from alice', 'hello from bob'] }
    for (const who of ['a', 'b', 'c'] as const) {
      await procs[who]!.waitFor(`${who} to see ${want[who].join(', ')}`, () => want[who].every(t => texts(procs[who]!).includes(t)))
    }
    const fromBob = procs.a!.json<Shown>().find(m => m.text === 'hello from bob')!
    assert.equal(fromBob.fromName, 'bob')
    assert.equal(fromBob.room, 'ops')
    assert.equal(fromBob.roomId, ops.roomId)
    assert.match(fromBob.from, /^[a-z2-7]{52}$/)
    assert.match(fromBob.id, /^[0-9a-f]{64}$/)
    assert.ok(!Number.isNaN(Date.parse(fromBob.ts)))
    // nobody sees their own line echoed back, and nothing twice
    for (const who of ['a', 'b', 'c'] as const) assert.equal(texts(procs[who]!).length, 2, texts(procs[who]!).join('|'))
  })

  it('a non-member cannot inject anything; members neither show, store nor forward it', async () => {
    const attacker = await startNode({ maxMessageBytes: 200_000 })
    const observer = await startNode()
    nodes.push(attacker, observer)
    for (const t of [ops.topic, ops2.topic]) {
      attacker.subscribe(t, () => 'accept', data => { if (t === ops.topic) captured.push(data) })
      observer.subscribe(t, () => 'accept', data => { observed.push(sha(data)) })
    }
    await attacker.dial(addrA)
    await observer.dial(addrA)
    await attacker.waitForWritableSubscriber(ops.topic, 10_000)
    await observer.waitForWritableSubscriber(ops.topic, 10_000)
    await sleep(1500) // let A graft both into its mesh
    procs.a!.write('capture me')
    for (const who of ['b', 'c'] as const) await procs[who]!.waitFor('capture me', () => texts(procs[who]!).includes('capture me'))
    const t0 = Date.now()
    while (captured.length === 0 && Date.now() - t0 < 10_000) await sleep(20)
    assert.ok(captured.length > 0, 'the attacker (a plain topic subscriber) sees the encrypted envelopes')
    assert.ok(observed.length > 0, 'the observer receives what members forward')
    const good = new Uint8Array(captured[0]!) // a copy: the transport may hand out Buffers, whose slice() is a view

    // A forged envelope: well formed, signed, encrypted, by a key that is not a member.
    const mallory = Ed25519PrivateKey.generate()
    const roomId = fromString(ops.roomId, 'base32')
    const chain = OutboundSenderChain.create({ roomId, epoch: 0, sender: mallory.publicKey })
    const forged = sealEnvelope({ roomId, epoch: 0, senderKey: mallory, chain, tsMs: Date.now(), payload: { message: { text: 'FORGED' } } }).bytes
    const flipped = new Uint8Array(good); flipped[flipped.length - 5]! ^= 0x01 // in the signature
    const flippedBody = new Uint8Array(good); flippedBody[good.length >> 1]! ^= 0x80 // inside the ciphertext
    const truncated = new Uint8Array(good.subarray(0, good.length - 20))
    const oversized = new Uint8Array(randomBytes(70_000))
    const attacks: Array<[string, Uint8Array]> = [
      [ops.topic, forged], [ops.topic, flipped], [ops.topic, flippedBody], [ops.topic, truncated], [ops.topic, oversized]
    ]
    // (The cross-room replay runs after A's restart: until then gossipsub drops the known bytes
    // as a duplicate before any validator sees them, whatever the topic.)
    // One fresh node per attack: gossipsub's scoring graylists a peer after a few rejects, and
    // each attack must reach the validator to be counted.
    for (const [topic, bytes] of attacks) {
      injected.push(sha(bytes))
      const one = await startNode({ maxMessageBytes: 200_000 })
      nodes.push(one)
      one.subscribe(topic, () => 'accept', () => {})
      await one.dial(addrA)
      assert.ok(await one.waitForWritableSubscriber(topic, 10_000))
      const verdicts = (): number => procs.a!.stderr.filter(l => / (accept|reject|ignore) [a-z-]+ \(/.test(l)).length
      const before = verdicts()
      assert.equal((await one.publish(topic, bytes)).recipients, 1)
      // wait for A's validator to have judged it (the oversized one is dropped before, by size)
      if (bytes.length <= 65536) await procs.a!.waitFor('a verdict', () => verdicts() > before)
      else await sleep(300)
      await one.stop()
    }
    await sleep(1000)
    procs.b!.write('after the attack')
    for (const who of ['a', 'c'] as const) await procs[who]!.waitFor('after the attack', () => texts(procs[who]!).includes('after the attack'))
    for (const who of ['a', 'b', 'c'] as const) {
      const shown = texts(procs[who]!)
      assert.ok(!shown.includes('FORGED'), `${who} showed a forged message`)
      assert.equal(new Set(procs[who]!.json<Shown>().map(m => m.id)).size, shown.length, `${who} showed a message twice`)
      assert.equal(shown.length, who === 'c' ? 4 : 3, `${who}: ${shown.join('|')}`)
      assert.equal(procs[who]!.child.exitCode, null, `${who} is still up`)
    }
    for (const h of injected) assert.ok(!observed.includes(h), 'a member forwarded an injected envelope')
  })

  it('history survives a restart, and a replay after the restart is not shown again', async () => {
    const stopped = await procs.a!.stop('SIGTERM')
    assert.equal(stopped.code, 0, procs.a!.stderr.join('\n'))
    const counters = procs.a!.stderr.find(l => l.includes('validator ops:')) ?? ''
    assert.match(counters, /reject:non-member=1/, counters)
    assert.match(counters, /reject:bad-signature=2/, counters)
    assert.match(counters, /reject:malformed=1/, counters)
    // -vv: one line per verdict as well
    assert.equal(procs.a!.stderr.filter(l => /room ops: reject bad-signature \(\d+ bytes\)$/.test(l)).length, 2, procs.a!.stderr.join('\n'))

    const h = await runBinary(['history', 'ops', '--json', '--home', home.a])
    assert.equal(h.code, 0, h.stderr)
    const stored = h.stdout.trim().split('\n').map(l => JSON.parse(l) as Shown)
    for (const t of ['hello from alice', 'hello from bob', 'hello from carol', 'capture me', 'after the attack']) {
      assert.equal(stored.filter(m => m.text === t).length, 1, `history has '${t}' once`)
    }
    assert.ok(!stored.some(m => m.text === 'FORGED'))

    procs.a = chat('a', ['--listen', `/ip4/127.0.0.1/tcp/${portA}`])
    await procs.a.waitForStderr(/chatting in 'ops'/)
    const attacker = await startNode()
    nodes.push(attacker)
    attacker.subscribe(ops.topic, () => 'accept', () => {})
    await attacker.dial(addrA)
    await attacker.waitForWritableSubscriber(ops.topic, 10_000)
    attacker.subscribe(ops2.topic, () => 'accept', () => {})
    await attacker.waitForWritableSubscriber(ops2.topic, 10_000)
    // A valid ops envelope replayed as-is (A's gossip cache is empty after the restart) …
    assert.equal((await attacker.publish(ops.topic, captured[captured.length - 1]!)).recipients, 1)
    // … and another one replayed on ops2's topic (A is in both rooms).
    assert.equal((await attacker.publish(ops2.topic, captured[0]!)).recipients, 1)
    await procs.a.waitFor('two verdicts', () => procs.a!.stderr.filter(l => / (accept|reject|ignore) [a-z-]+ \(/.test(l)).length >= 2)
    assert.equal(procs.a.json<Shown>().length, 0, 'a replayed envelope was shown again')
    await procs.a.stop('SIGTERM')
    assert.match(procs.a.stderr.find(l => l.includes('validator ops:')) ?? '', /ignore:duplicate=1/)
    assert.match(procs.a.stderr.find(l => l.includes('validator ops2:')) ?? '', /reject:wrong-room=1/)
    const again = await runBinary(['history', 'ops', '--json', '--home', home.a])
    assert.equal(again.stdout.trim().split('\n').length, stored.length, 'nothing new was stored')
  })
})
