// Delivery receipts (issue 13, requirement 4): a receipt counts for our message only when it is
// for that message's own room and signed by a member of it who can read (member or admin); a
// poster, a non-member, a removed member or a receipt naming another room is dropped, by the
// sender and by every relaying hop alike.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Ed25519PrivateKey } from '../../src/crypto/index.js'
import { hex } from '../../src/room/ids.js'
import { Identity } from '../../src/room/identity.js'
import { createInvite, signInviteUse } from '../../src/room/invite.js'
import { MembershipLog } from '../../src/room/membership.js'
import { Receipts } from '../../src/room/receipts.js'
import { Room } from '../../src/room/room.js'
import type { FramedStream, Transport } from '../../src/transport/index.js'
import { encodeReceipt, receiptSigningBytes } from '../../src/wire/envelope.js'
import type { RoleName } from '../../src/wire/membership.js'

const T0 = 1_700_000_000_000
const key = (n: number): Ed25519PrivateKey => Ed25519PrivateKey.fromSeed(new Uint8Array(32).fill(n))
const peer = (n: number): Uint8Array => new Uint8Array(38).fill(n)

const alice = key(1); const bob = key(2); const pat = key(3); const carol = key(4); const dave = key(5); const mallory = key(6)

/** A room created by ALICE with the given members added (each with its own peer id bytes). */
function roomWith (name: string, nonce: number, added: Array<[Ed25519PrivateKey, RoleName]>): Room {
  const log = MembershipLog.create(alice, { name, creatorName: 'alice', creatorPeerId: peer(1), nonce: new Uint8Array(16).fill(nonce), createdMs: T0 })
  for (const [member, role] of added) {
    const inv = createInvite(log, alice, { role, expiresMs: T0 + 3_600_000, maxUses: 1, inviterPeerId: peer(1), addrs: [], nowMs: T0 })
    log.append(inv.entry)
    const inviteKey = Ed25519PrivateKey.fromSeed(inv.ticket.inviteSeed)
    const peerId = peer(member.publicKey[0]!)
    log.append(log.createEntry(alice, { type: 'add', member: member.publicKey, name: 'm', role, peerId, inviteKey: inviteKey.publicKey, inviteProof: signInviteUse(inviteKey, log.roomId, member.publicKey, peerId) }, T0 + 1000))
  }
  return new Room({ log, me: alice.publicKey, joinedAt: T0, persistedLogLength: 0 })
}

// Room A: bob (member), pat (poster), carol (member, then removed). Room B: bob and dave (members).
const roomA = roomWith('a', 1, [[bob, 'member'], [pat, 'poster'], [carol, 'member']])
roomA.log.append(roomA.log.createEntry(alice, { type: 'remove', member: carol.publicKey, reason: 'kicked' }, T0 + 2000))
const roomB = roomWith('b', 2, [[bob, 'member'], [dave, 'member']])
const rooms = new Map([[hex(roomA.roomId), roomA], [hex(roomB.roomId), roomB]])

const messageId = new Uint8Array(32).fill(0xab)

function receipt (signer: Ed25519PrivateKey, room: Room, id = messageId): Uint8Array {
  return encodeReceipt({
    roomId: room.roomId as Uint8Array<ArrayBuffer>, messageId: id as Uint8Array<ArrayBuffer>, member: signer.publicKey as Uint8Array<ArrayBuffer>,
    signature: signer.sign(receiptSigningBytes(room.roomId, id)) as Uint8Array<ArrayBuffer>
  })
}

/** An inbound receipt stream: one frame, then the end. */
function inbound (bytes: Uint8Array): FramedStream {
  let done = false
  return { read: async () => { if (done) return undefined; done = true; return bytes }, close: async () => {} } as unknown as FramedStream
}

/** Receipts over a fake network that records every receipt passed on (peer, bytes). */
function receipts (me: Ed25519PrivateKey): { r: Receipts, passed: Array<[string, Uint8Array]>, logged: string[] } {
  const identity = new Identity({ name: 'x', memberKey: me, peerSeed: new Uint8Array(32), peerId: 'p', encrypted: false, created: '' })
  const passed: Array<[string, Uint8Array]> = []
  const logged: string[] = []
  const net = {
    openStream: async (target: string) => ({ write: async (b: Uint8Array) => { passed.push([target, b]) }, finish: async () => {} }),
    // every peer of these tests subscribes to both rooms' topics, but a stranger
    topicPeers: () => ['peer-a', 'peer-b', 'peer-b2', 'peer-x', 'down', 'down-1', 'down-2', 'down-3', 'upstream', 'greedy']
  } as unknown as Transport
  const r = new Receipts({ identity, net: () => net, room: id => rooms.get(hex(id)), log: m => { logged.push(m) } })
  return { r, passed, logged }
}

const count = async (r: Receipts): Promise<number> => await r.wait(hex(messageId), 99, 0)

describe('receipts: who counts for our message', () => {
  it('a member or admin of the message\'s room counts, once each; our own receipt does not', async () => {
    const { r } = receipts(alice)
    r.expect(hex(messageId), roomA)
    await r.serve(inbound(receipt(bob, roomA)), 'peer-b')
    await r.serve(inbound(receipt(bob, roomA)), 'peer-b2')
    await r.serve(inbound(receipt(alice, roomA)), 'peer-a')
    assert.equal(await count(r), 1)
  })

  for (const [what, signer, room, reason] of [
    ['a non-member', mallory, roomA, 'the receipt is not from a member of its room who can read'],
    ['a poster (write-only, holds no keys)', pat, roomA, 'the receipt is not from a member of its room who can read'],
    ['a removed member', carol, roomA, 'the receipt is not from a member of its room who can read'],
    ['a member of room B, for our message id but with room B\'s id (bob, also a member of A)', bob, roomB, 'the receipt is for another room than the message'],
    ['a member of room B only, with room B\'s id', dave, roomB, 'the receipt is for another room than the message']
  ] as const) {
    it(`a receipt by ${what} is not counted`, async () => {
      const { r, logged } = receipts(alice)
      r.expect(hex(messageId), roomA)
      await r.serve(inbound(receipt(signer, room)), 'peer-x')
      assert.equal(await count(r), 0)
      assert.deepEqual(logged, [`receipt from peer-x dropped: ${reason}`])
      await r.serve(inbound(receipt(bob, roomA)), 'peer-b')
      assert.equal(await count(r), 1, 'a real member\'s receipt still counts afterwards')
    })
  }

  it('a receipt from a peer in none of the room\'s topic is not heard', async () => {
    const { r, logged } = receipts(alice)
    r.expect(hex(messageId), roomA)
    await r.serve(inbound(receipt(bob, roomA)), 'stranger')
    assert.equal(await count(r), 0)
    assert.deepEqual(logged, ["receipt from stranger dropped: the peer is not in the topic of the receipt's room"])
  })

  it('a bad signature is not counted', async () => {
    const { r, logged } = receipts(alice)
    r.expect(hex(messageId), roomA)
    const bytes = receipt(bob, roomA)
    bytes[bytes.length - 1]! ^= 1
    await r.serve(inbound(bytes), 'peer-x')
    assert.equal(await count(r), 0)
    assert.deepEqual(logged, ['receipt from peer-x dropped: bad receipt signature'])
  })
})

describe('receipts: what a relaying member passes back', () => {
  it('only receipts for the room the message came in, by members who can read it', async () => {
    const { r, passed, logged } = receipts(dave) // dave relays: he is in room B only
    r.accepted(roomB, messageId, 'upstream')
    await new Promise(resolve => setImmediate(resolve))
    assert.equal(passed.length, 1, 'our own receipt went upstream')
    passed.length = 0
    await r.serve(inbound(receipt(bob, roomA)), 'down-1') // another room than the message came in
    await r.serve(inbound(receipt(mallory, roomB)), 'down-2')
    assert.deepEqual(passed, [])
    assert.deepEqual(logged, [
      'receipt from down-1 dropped: the receipt is for another room than the message',
      'receipt from down-2 dropped: the receipt is not from a member of its room who can read'
    ])
    const good = receipt(bob, roomB)
    await r.serve(inbound(good), 'down-3')
    assert.deepEqual(passed, [['upstream', good]])
  })

  it('a poster\'s receipt is not passed on', async () => {
    const { r, passed } = receipts(bob)
    r.accepted(roomA, messageId, 'upstream')
    await new Promise(resolve => setImmediate(resolve))
    passed.length = 0
    await r.serve(inbound(receipt(pat, roomA)), 'down')
    assert.deepEqual(passed, [])
  })
})

describe('receipts: bounded state', () => {
  it('one neighbour holds at most 1024 ways back: past that its messages get our receipt but no route', async () => {
    const { r, passed } = receipts(bob)
    const id = (n: number): Uint8Array<ArrayBuffer> => { const b = new Uint8Array(32); new DataView(b.buffer).setUint32(0, n); return b }
    for (let i = 0; i < 1100; i++) r.accepted(roomA, id(i), 'greedy')
    await new Promise(resolve => setImmediate(resolve))
    passed.length = 0
    await r.serve(inbound(receipt(alice, roomA, id(5))), 'down')
    await r.serve(inbound(receipt(alice, roomA, id(1050))), 'down')
    assert.deepEqual(passed.map(([peer]) => peer), ['greedy'], 'only the receipt for a message within the cap goes back')
  })
})
