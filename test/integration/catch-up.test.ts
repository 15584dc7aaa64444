// Offline catch-up (issue 16): a member that was away gets what it missed from any member that
// has it — here carol, not alice who sent it — each envelope validated like a live one, stored
// once, shown as caught up; a removed member is refused and nothing of the room leaves.
import '../../src/polyfill.ts'
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Room } from '../../src/room/room.js'
import type { ShownMessage } from '../../src/room/service.js'
import { tempDir } from '../helpers/cli.js'
import { type Member, restartMember, startMember, stopMembers } from '../fixtures/room-member.js'
import { loopbackAddr, waitFor } from '../fixtures/transport-helpers.js'

const N = 1000

describe('catch-up from a member other than the sender', { timeout: 180_000 }, () => {
  const { dir, cleanup } = tempDir('conclave-catchup-')
  const running: Member[] = []
  let alice: Member
  let room: Room

  async function admit (name: string): Promise<Member> {
    const ticket = await alice.service.invite(room, { role: 'member', expiresMs: Date.now() + 600_000, maxUses: 1, addrs: [loopbackAddr(alice.transport)] })
    const m = await startMember(dir, name)
    running.push(m)
    m.room = await m.service.join(ticket, { timeoutMs: 20_000 })
    return m
  }

  before(async () => {
    alice = await startMember(dir, 'alice')
    running.push(alice)
    room = alice.service.createRoom('ops')
  })

  after(async () => {
    await stopMembers(running)
    cleanup()
  })

  it(`bob, offline for ${N} messages, gets all of them from carol after a restart, once each, marked as caught up`, async () => {
    const bob = await admit('bob')
    const carol = await admit('carol')
    await carol.transport.dial(loopbackAddr(bob.transport))
    await waitFor(() => alice.service.readers(room) === 2, 'bob and carol readable from alice', 10_000)
    await alice.service.exchangeWithConnected(room)
    await waitFor(() => bob.service.missingSenders(bob.room!).length === 0 && carol.service.missingSenders(carol.room!).length === 0, 'every chain everywhere', 10_000)
    // bob goes away
    await stopMembers([bob])
    running.splice(running.indexOf(bob), 1)
    const carolGot: string[] = []
    carol.service.on('message', m => { carolGot.push(m.text) })
    for (let i = 0; i < N; i++) await alice.service.send(room, { text: `missed ${i}` })
    await waitFor(() => carolGot.length === N, `carol to have the ${N}`, 60_000)
    // alice goes away too: only carol has them
    await stopMembers([alice])
    running.splice(running.indexOf(alice), 1)
    const bob2 = await restartMember(dir, 'bob')
    running.push(bob2)
    const shown: ShownMessage[] = []
    bob2.service.on('message', m => { shown.push(m) })
    await bob2.transport.dial(loopbackAddr(carol.transport))
    await waitFor(() => shown.length === N, `bob to catch up ${N} (has ${shown.length})`, 60_000)
    assert.deepEqual(shown.map(m => m.text), Array.from({ length: N }, (_, i) => `missed ${i}`))
    assert.ok(shown.every(m => m.caughtUp === true))
    const bobsRoom = bob2.service.rooms()[0]!
    assert.equal(bob2.service.history(bobsRoom, { limit: 5000 }).filter(m => m.text.startsWith('missed ')).length, N, 'stored once each')
    // a second catch-up (a reconnect) brings nothing new
    const counters = bob2.service.counters().ops!
    assert.equal(counters['accept:ok'], N)
  })
})

describe('retention', { timeout: 120_000 }, () => {
  const { dir, cleanup } = tempDir('conclave-retain-')
  const running: Member[] = []
  after(async () => { await stopMembers(running); cleanup() })

  it('keeps the newest N per room and none older than the age; catch-up serves nothing beyond it', async () => {
    let clock = Date.now()
    const now = (): number => clock
    const alice = await startMember(dir, 'alice', { now, retain: { messages: 100, ageMs: 3_600_000 } })
    running.push(alice)
    const room = alice.service.createRoom('ops')
    const ticket = await alice.service.invite(room, { role: 'member', expiresMs: clock + 600_000, maxUses: 1, addrs: [loopbackAddr(alice.transport)] })
    const bob = await startMember(dir, 'bob', { now })
    bob.room = await bob.service.join(ticket, { timeoutMs: 20_000 })
    await waitFor(() => alice.service.readers(room) === 1, 'bob readable', 10_000)
    await alice.service.exchangeWithConnected(room)
    await stopMembers([bob])
    // two hours ago: 20 messages that age out; then 300 of which the newest 100 stay
    clock -= 2 * 3_600_000
    for (let i = 0; i < 20; i++) alice.service.seal(room, { text: `old ${i}` })
    clock += 2 * 3_600_000
    for (let i = 0; i < 300; i++) alice.service.seal(room, { text: `new ${i}` })
    await new Promise(resolve => setTimeout(resolve, 100)) // the writer's batch
    alice.service.applyRetention()
    const kept = alice.service.history(room, { limit: 1000 }).map(m => m.text)
    assert.equal(kept.length, 100)
    assert.deepEqual([...kept].sort(), Array.from({ length: 100 }, (_, i) => `new ${200 + i}`).sort())
    const bob2 = await restartMember(dir, 'bob', { now })
    running.push(bob2)
    const shown: string[] = []
    bob2.service.on('message', m => { shown.push(m.text) })
    await bob2.transport.dial(loopbackAddr(alice.transport))
    await waitFor(() => shown.length === 100, `bob to catch up the 100 kept (has ${shown.length})`, 30_000)
    await new Promise(resolve => setTimeout(resolve, 500))
    assert.deepEqual([...shown].sort(), [...kept].sort())
  })
})

describe('a hostile member serving a catch-up, and a removed one asking for it', { timeout: 120_000 }, () => {
  const { dir, cleanup } = tempDir('conclave-catchup-hostile-')
  const running: Member[] = []
  after(async () => { await stopMembers(running); cleanup() })

  /** The length-delimited fields of a protobuf message (every Envelope field is bytes). */
  function fields (b: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = []
    let i = 0
    while (i < b.length) {
      const start = i
      i++ // tag (one byte for fields 1..15)
      let len = 0; let shift = 0
      while (true) { const x = b[i++]!; len += (x & 0x7f) * 2 ** shift; shift += 7; if ((x & 0x80) === 0) break }
      i += len
      out.push(b.subarray(start, i))
    }
    return out
  }

  it('forged, reordered, duplicated and foreign-room envelopes are all refused and nothing is stored; a removed member is refused', async () => {
    const { SYNC_PROTOCOL, encodeSyncFrame, encodeSyncPage } = await import('../../src/wire/sync.js')
    const alice = await startMember(dir, 'alice')
    running.push(alice)
    const room = alice.service.createRoom('ops')
    const other = alice.service.createRoom('elsewhere')
    const admitTo = async (r: Room, name: string): Promise<Member> => {
      const ticket = await alice.service.invite(r, { role: 'member', expiresMs: Date.now() + 600_000, maxUses: 1, addrs: [loopbackAddr(alice.transport)] })
      const member = await startMember(dir, name)
      running.push(member)
      member.room = await member.service.join(ticket, { timeoutMs: 20_000 })
      return member
    }
    const bob = await admitTo(room, 'bob')
    const mallory = await admitTo(room, 'mallory')
    await waitFor(() => alice.service.readers(room) === 2, 'bob and mallory readable', 10_000)
    await alice.service.exchangeWithConnected(room)
    const bobGot: string[] = []
    bob.service.on('message', m => { bobGot.push(m.text) })
    const sent = []
    for (let i = 0; i < 5; i++) sent.push((await alice.service.send(room, { text: `real ${i}` })).envelope)
    await waitFor(() => bobGot.length === 5, 'bob to have the five', 10_000)
    const foreign = alice.service.seal(other, { text: 'from another room' }).envelope
    const stored = (): number => bob.service.history(bob.room!, { limit: 1000 }).length
    const before = stored()
    const counters = (): Record<string, number> => ({ ...bob.service.counters().ops })
    const countersBefore = counters()

    // mallory answers catch-ups with junk of every kind
    const junk: Uint8Array[] = []
    for (const env of sent) {
      const forged = env.slice(); forged[forged.length - 5]! ^= 1 // inside the signature
      junk.push(forged)
      const [h, c, s] = fields(env)
      junk.push(Uint8Array.from([...c!, ...h!, ...s!])) // fields reordered: not the canonical form
      junk.push(env) // a duplicate of what bob has
    }
    junk.push(foreign, new Uint8Array([1, 2, 3]))
    let served = false
    await mallory.transport.unhandle(SYNC_PROTOCOL)
    await mallory.transport.handle(SYNC_PROTOCOL, async stream => {
      await stream.read(); await stream.read() // hello, have
      await stream.write(encodeSyncFrame({ type: 'page', bytes: encodeSyncPage({ envelopes: junk, done: true, total: junk.length }) }))
      served = true
    })
    await bob.transport.dial(loopbackAddr(mallory.transport))
    await waitFor(() => served, 'mallory to serve bob', 10_000)
    await waitFor(() => Object.values(counters()).reduce((a, b) => a + b, 0) - Object.values(countersBefore).reduce((a, b) => a + b, 0) === junk.length, 'bob to judge every one', 10_000)
    await new Promise(resolve => setTimeout(resolve, 300))
    assert.equal(stored(), before, 'nothing stored')
    assert.equal(bobGot.length, 5, 'nothing shown')
    const delta = Object.fromEntries(Object.entries(counters()).map(([k, v]) => [k, v - (countersBefore[k] ?? 0)]).filter(([, v]) => v !== 0))
    assert.deepEqual(delta, { 'reject:bad-signature': 5, 'reject:malformed': 6, 'ignore:duplicate': 5, 'reject:wrong-room': 1 })

    // a removed member asks alice for a catch-up: refused, nothing served
    await alice.service.kick(room, 'mallory')
    const servedBefore = alice.service.catchUpCounts(room).served
    for (let i = 0; i < 3; i++) await alice.service.send(room, { text: `after the kick ${i}` })
    const mRoom = mallory.service.rooms().find(r => r.name === 'ops')!
    const mallorysGot: string[] = []
    mallory.service.on('message', m => { mallorysGot.push(m.text) })
    // mallory's node knows nothing of the kick yet if it missed it; either way alice serves nothing
    await mallory.service.catchUpNow(mRoom, alice.transport.peerId)
    assert.equal(alice.service.catchUpCounts(room).served, servedBefore)
    assert.deepEqual(mallorysGot.filter(t => t.startsWith('after the kick')), [])
  })
})
