// Recipients are members (issue 13, requirement 4): with real room services on 127.0.0.1, a
// non-member node subscribed to a room's topic and a poster member (write-only) are neither
// readers nor recipients nor neighbours whose hand-off a sender waits for; a member who can read is.
import '../../src/polyfill.ts'
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Room } from '../../src/room/room.js'
import type { Transport } from '../../src/transport/index.js'
import type { RoleName } from '../../src/wire/membership.js'
import { tempDir } from '../helpers/cli.js'
import { type Member, startMember, stopMembers } from '../fixtures/room-member.js'
import { loopbackAddr, startNode, stopAll, waitFor } from '../fixtures/transport-helpers.js'


describe('recipients are members', { timeout: 120_000 }, () => {
  const { dir, cleanup } = tempDir('conclave-recipients-')
  const members: Member[] = []
  const nodes: Transport[] = []
  let alice: Member
  let room: Room
  let outsider: Transport
  /** Sent while only the outsider was on the topic. */
  let early: Uint8Array

  async function member (name: string): Promise<Member> {
    const m = await startMember(dir, name)
    members.push(m)
    return m
  }

  async function admit (name: string, role: RoleName): Promise<Member> {
    const ticket = await alice.service.invite(room, { role, expiresMs: Date.now() + 600_000, maxUses: 1, addrs: [loopbackAddr(alice.transport)] })
    const m = await member(name)
    await m.service.join(ticket, { timeoutMs: 20_000 })
    // Alice has merged the Add entry and the newcomer is a writable subscriber of the topic.
    await waitFor(() => room.log.members().some(x => x.name === name), `${name} in alice's log`, 10_000)
    await waitFor(() => alice.transport.writableSubscribers(room.topic).includes(m.transport.peerId), `${name} writable from alice`, 10_000)
    return m
  }

  before(async () => {
    alice = await member('alice')
    room = alice.service.createRoom('ops')
    // A plain libp2p node, in no room's log, subscribed to the room's topic and connected to alice.
    outsider = await startNode()
    nodes.push(outsider)
    outsider.subscribe(room.topic, () => 'ignore', () => {})
    await outsider.dial(loopbackAddr(alice.transport))
    await waitFor(() => alice.transport.writableSubscribers(room.topic).includes(outsider.peerId), 'the outsider writable from alice', 10_000)
  })

  after(async () => {
    await stopMembers(members)
    await stopAll(nodes)
    cleanup()
  })

  it('a non-member subscribed to the topic is not a reader, not reachable, not a recipient', async () => {
    assert.deepEqual(alice.transport.writableSubscribers(room.topic), [outsider.peerId], 'gossipsub itself would write to the outsider')
    assert.equal(alice.service.readers(room), 0)
    assert.equal(await alice.service.waitForReaders(room, 500), false)
    const sent = await alice.service.send(room, { text: 'to nobody' })
    assert.equal(sent.recipients, 0)
    assert.equal(await alice.service.republish(room, sent.envelope), 0)
    early = sent.envelope
  })

  it('a poster (write-only) is not a reader either', async () => {
    const pat = await admit('pat', 'poster')
    assert.equal(room.log.roleOf(pat.service.identity.memberPublicKey), 'poster')
    assert.equal(alice.service.readers(room), 0)
    assert.equal(await alice.service.waitForReaders(room, 500), false)
    assert.equal((await alice.service.send(room, { text: 'still nobody' })).recipients, 0)
  })

  it('a member who can read counts, once; its hand-off is what the sender waits for', async () => {
    const bob = await admit('bob', 'member')
    const got: string[] = []
    bob.service.on('message', m => { got.push(m.text) })
    assert.equal(await alice.service.waitForReaders(room, 10_000), true)
    assert.equal(alice.service.readers(room), 1)
    const sent = await alice.service.send(room, { text: 'hello bob' })
    assert.equal(sent.recipients, 1)
    // The outsider and the poster answer no hand-off: only bob is asked.
    assert.equal(await alice.service.handedOff(room, sent.id, 5_000), true)
    await waitFor(() => got.includes('hello bob'), 'bob to get the message', 10_000)
    // What reached no reader was not handed to the outsider either: it is not refused as a duplicate now.
    assert.equal(await alice.service.republish(room, early), 1)
    // bob gets it, and cannot open it: it was sealed before alice handed him her chain, which she
    // does at its current position (issue 14: a late joiner reads nothing sent before it joined).
    await waitFor(() => (bob.service.counters().ops?.['ignore:missing-keys'] ?? 0) >= 1, 'bob to refuse the early message', 10_000)
    assert.equal(got.includes('to nobody'), false)
  })
})
