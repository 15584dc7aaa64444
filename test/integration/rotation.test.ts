// Key rotation without a removal (issue 14, requirement 2): with real room services on 127.0.0.1,
// a sender whose chain reached N messages, or whose epoch got older than T (an injected clock),
// appends a Rotate entry first: every member moves to the next epoch, gets the sender's new chain,
// and reads on. Messages of the old epoch are not opened with the new chain, nor the reverse.
import '../../src/polyfill.ts'
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Room } from '../../src/room/room.js'
import { decodeEnvelope } from '../../src/wire/envelope.js'
import { tempDir } from '../helpers/cli.js'
import { type Member, startMember, stopMembers } from '../fixtures/room-member.js'
import { loopbackAddr, waitFor } from '../fixtures/transport-helpers.js'


const N = 6
const T = 60_000

describe('rotation after N messages and after T', { timeout: 120_000 }, () => {
  const { dir, cleanup } = tempDir('conclave-rotation-')
  const members: Member[] = []
  let clock = Date.now()
  const now = (): number => clock
  let alice: Member
  let bob: Member
  let room: Room

  async function member (name: string): Promise<Member> {
    const m = await startMember(dir, name, { now, rotateAfterMessages: N, rotateAfterMs: T })
    members.push(m)
    return m
  }

  const got: string[] = []
  /** What alice's publish path does: rotate if due, then seal and publish. */
  async function send (text: string): Promise<number> {
    await alice.service.rotateIfDue(room)
    const sent = await alice.service.send(room, { text })
    return decodeEnvelope(sent.envelope).header.epoch
  }

  before(async () => {
    alice = await member('alice')
    room = alice.service.createRoom('ops')
    const ticket = await alice.service.invite(room, { role: 'member', expiresMs: now() + 600_000, maxUses: 1, addrs: [loopbackAddr(alice.transport)] })
    bob = await member('bob')
    bob.room = await bob.service.join(ticket, { timeoutMs: 20_000 })
    bob.service.on('message', m => { got.push(m.text) })
    await waitFor(() => alice.service.readers(room) === 1, 'bob readable from alice', 10_000)
    await alice.service.exchangeWithConnected(room)
  })

  after(async () => {
    await stopMembers(members)
    cleanup()
  })

  it(`after ${N} envelopes of ours in an epoch the next message goes out in a new one, and bob reads every one`, async () => {
    // the invite and bob's Add went out as envelopes of alice's chain already: they count
    const used = room.outboundOf(0)!.index
    assert.ok(used < N)
    const epochs: number[] = []
    const texts = Array.from({ length: N - used + 1 }, (_, i) => `m${i + 1}`)
    for (const text of texts) epochs.push(await send(text))
    assert.deepEqual(epochs, [...Array(N - used).fill(0), 1])
    assert.equal(room.log.epoch, 1)
    await waitFor(() => got.length === texts.length, 'bob to read them all', 10_000)
    assert.deepEqual(got, texts)
    assert.equal(bob.room!.log.epoch, 1)
  })

  it(`after ${T / 1000} s without a removal the next message goes out in a new epoch`, async () => {
    assert.equal(await send('t1'), 1)
    clock += T + 1
    assert.equal(await send('t2'), 2)
    await waitFor(() => got.includes('t2'), 'bob to read t2', 10_000)
    assert.equal(bob.room!.log.epoch, 2)
    assert.equal(room.log.epoch, 2)
  })
})
