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
