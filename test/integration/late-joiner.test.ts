// A late joiner reads nothing sent before it joined (issue 14, requirement 4), with real room
// services on 127.0.0.1: a node that is not a member records every envelope of the room's topic
// while alice and bob talk; then it is invited and joins, gets alice's and bob's chains, and
// not one recorded envelope opens under anything it holds. What is sent after it joined does.
import '../../src/polyfill.ts'
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { validateEnvelope } from '../../src/room/envelope.js'
import type { Room } from '../../src/room/room.js'
import { tempDir } from '../helpers/cli.js'
import { type Member, startMember, stopMembers } from '../fixtures/room-member.js'
import { loopbackAddr, waitFor } from '../fixtures/transport-helpers.js'


describe('a late joiner', { timeout: 120_000 }, () => {
  const { dir, cleanup } = tempDir('conclave-late-')
  const members: Member[] = []
  let alice: Member
  let bob: Member
  let room: Room
  let bobsRoom: Room
  const recorded: Uint8Array[] = []

  async function member (name: string): Promise<Member> {
    const m = await startMember(dir, name, { start: false })
    members.push(m)
    return m
  }

  async function admit (m: Member): Promise<Room> {
    const ticket = await alice.service.invite(room, { role: 'member', expiresMs: Date.now() + 600_000, maxUses: 1, addrs: [loopbackAddr(alice.transport)] })
    return await m.service.join(ticket, { timeoutMs: 20_000 })
  }

  before(async () => {
    alice = await member('alice')
    await alice.service.start()
    room = alice.service.createRoom('ops')
    bob = await member('bob')
    await bob.service.start()
    bobsRoom = await admit(bob)
    await waitFor(() => alice.service.readers(room) === 1, 'bob readable from alice', 10_000)
    await alice.service.exchangeWithConnected(room)
  })

  after(async () => {
    await stopMembers(members)
    cleanup()
  })

  it('records the topic, joins, and opens none of what it recorded', async () => {
    // dave's node, not yet a member: subscribed to the topic as a plain recorder
    const dave = await member('dave')
    dave.transport.subscribe(room.topic, (_from, data) => { recorded.push(data); return 'accept' }, () => {})
    await dave.transport.dial(loopbackAddr(alice.transport))
    await waitFor(() => alice.transport.writableSubscribers(room.topic).includes(dave.transport.peerId), 'dave on the topic', 10_000)
    // bob's envelope reaches dave only as alice forwards it, which she does to her mesh: wait for
    // dave to be grafted (a heartbeat), or it is forwarded before and never offered to him again
    await waitFor(() => alice.transport.meshPeers(room.topic).includes(dave.transport.peerId), "dave in alice's mesh", 10_000)
    const bobGot: string[] = []
    bob.service.on('message', m => { bobGot.push(m.text) })
    for (const text of ['secret 1', 'secret 2', 'secret 3']) await alice.service.send(room, { text })
    await waitFor(() => bobGot.length === 3, 'bob to read the three', 10_000)
    const bobs = await bob.service.send(bobsRoom, { text: 'secret from bob' })
    assert.ok(bobs.recipients >= 1)
    await waitFor(() => recorded.length >= 4, 'the recorder to have all four envelopes', 10_000)
    dave.transport.unsubscribe(room.topic)

    // now dave is invited, joins, and exchanges keys with everyone it meets
    await dave.service.start()
    const daves = await admit(dave)
    await dave.service.exchangeWithConnected(daves)
    await waitFor(() => daves.hasInbound(alice.service.identity.memberPublicKey, 0), "alice's chain at dave", 10_000)
    for (const bytes of recorded) {
      const r = validateEnvelope(bytes, daves.validationContext(Date.now()))
      assert.notEqual(r.verdict, 'accept', `a recorded envelope opened: ${r.reason}`)
    }
    // what alice sends from now on, dave reads
    const daveGot: string[] = []
    dave.service.on('message', m => { daveGot.push(m.text) })
    await alice.service.send(room, { text: 'welcome dave' })
    await waitFor(() => daveGot.includes('welcome dave'), 'dave to read what came after his join', 10_000)
  })
})
