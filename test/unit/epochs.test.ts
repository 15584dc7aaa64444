// Epochs that end: a removal, a leave or a demotion to poster starts one; an ended epoch is closed
// after its grace window (at once for a sender that already sent in a later one); a removed member
// is refused in every epoch; a chain is handed out at its current position and forgets earlier keys.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Ed25519PrivateKey } from '../../src/crypto/index.js'
import { sealEnvelope, validateEnvelope } from '../../src/room/envelope.js'
import { createInvite, signInviteUse } from '../../src/room/invite.js'
import { MembershipLog } from '../../src/room/membership.js'
import { EPOCH_GRACE_MS, Room } from '../../src/room/room.js'
import { signSenderKey } from '../../src/room/key-signing.js'
import { InboundSenderChain, OutboundSenderChain } from '../../src/room/sender-keys.js'
import type { RoomTables, SqlStatement } from '../../src/store/index.js'
import { decodeSenderKey, encodeSenderKey } from '../../src/wire/envelope.js'

const T0 = 1_700_000_000_000
const key = (n: number): Ed25519PrivateKey => Ed25519PrivateKey.fromSeed(new Uint8Array(32).fill(n))
const peer = (n: number): Uint8Array => new Uint8Array(38).fill(n)
/** Statements are only collected: these tests look at the room in memory. */
const tables = {
  chainStatement: (): SqlStatement => ['-', []],
  skippedStatements: (): SqlStatement[] => [],
  deleteChainStatement: (): SqlStatement[] => [['-', []]]
} as unknown as RoomTables

/** alice (admin) with bob and carol as members; the room as bob's node holds it. */
function room () {
  const alice = key(1); const bob = key(2); const carol = key(3)
  const log = MembershipLog.create(alice, { name: 'ops', creatorName: 'alice', creatorPeerId: peer(1), nonce: new Uint8Array(16), createdMs: T0 })
  const inv = createInvite(log, alice, { role: 'member', expiresMs: T0 + 3_600_000, maxUses: 5, inviterPeerId: peer(1), addrs: [], nowMs: T0 })
  log.append(inv.entry)
  const invKey = Ed25519PrivateKey.fromSeed(inv.ticket.inviteSeed)
  for (const [m, n] of [[bob, 2], [carol, 3]] as const) {
    log.append(log.createEntry(alice, { type: 'add', member: m.publicKey, name: n === 2 ? 'bob' : 'carol', role: 'member', peerId: peer(n), inviteKey: invKey.publicKey, inviteProof: signInviteUse(invKey, log.roomId, m.publicKey, peer(n)) }, T0 + 1000))
  }
  const bobsRoom = new Room({ log, me: bob.publicKey, joinedAt: T0, persistedLogLength: 0 })
  return { alice, bob, carol, log, bobsRoom }
}

/** SENDER's chain of EPOCH, given to ROOM as a SenderKey (as a keys exchange would). */
function chainOf (r: Room, sender: Ed25519PrivateKey, epoch: number): OutboundSenderChain {
  const chain = OutboundSenderChain.create({ roomId: r.roomId, epoch, sender: sender.publicKey })
  r.installSenderKeys(tables, [signSenderKey(chain.exportKey(), sender, r.log.head.seq)], sender.publicKey)
  return chain
}

function post (r: Room, sender: Ed25519PrivateKey, chain: OutboundSenderChain, tsMs: number): Uint8Array {
  return sealEnvelope({ roomId: r.roomId, epoch: chain.epoch, senderKey: sender, chain, tsMs, payload: { message: { text: 'x' } } }).bytes
}

describe('epochs', () => {
  it('a removal, a leave and a demotion to poster each start an epoch; a promotion does not', () => {
    const { alice, bob, carol, log } = room()
    assert.equal(log.epoch, 0)
    log.append(log.createEntry(alice, { type: 'set-role', member: bob.publicKey, role: 'admin' }, T0 + 2000))
    assert.equal(log.epoch, 0)
    log.append(log.createEntry(alice, { type: 'set-role', member: bob.publicKey, role: 'poster' }, T0 + 3000))
    assert.equal(log.epoch, 1)
    assert.deepEqual(log.epochEnd(0), { seq: log.head.seq, tsMs: T0 + 3000 })
    log.append(log.createEntry(alice, { type: 'remove', member: carol.publicKey, reason: '' }, T0 + 4000))
    assert.equal(log.epoch, 2)
    log.append(log.createEntry(bob, { type: 'remove', member: bob.publicKey, reason: '' }, T0 + 5000))
    assert.equal(log.epoch, 3)
    assert.equal(log.epochEnd(3), undefined)
  })

  it('a kicked member is REJECTed in every epoch, its own included, and its chains are deleted', () => {
    const { alice, carol, log, bobsRoom } = room()
    const carols = chainOf(bobsRoom, carol, 0)
    log.append(log.createEntry(alice, { type: 'remove', member: carol.publicKey, reason: '' }, T0 + 2000))
    bobsRoom.epochsEnded(bobsRoom.takeEpochChange()!, T0 + 2000)
    const now = T0 + 2500 // inside the grace window: only the removal refuses her
    assert.equal(validateEnvelope(post(bobsRoom, carol, carols, now), bobsRoom.validationContext(now)).reason, 'revoked')
    const forged = OutboundSenderChain.create({ roomId: bobsRoom.roomId, epoch: 1, sender: carol.publicKey })
    assert.equal(validateEnvelope(post(bobsRoom, carol, forged, now), bobsRoom.validationContext(now)).verdict, 'reject')
    assert.equal(bobsRoom.hasInbound(carol.publicKey, 0), true)
    assert.equal(bobsRoom.pruneChains(tables).length, 1)
    assert.equal(bobsRoom.hasInbound(carol.publicKey, 0), false)
  })

  it('an ended epoch: accepted within the grace window, REJECTed after it, and at once from a sender already in the next', () => {
    const { alice, carol, log, bobsRoom } = room()
    const a0 = chainOf(bobsRoom, alice, 0)
    log.append(log.createEntry(alice, { type: 'remove', member: carol.publicKey, reason: '' }, T0 + 2000))
    const learned = T0 + 10_000
    bobsRoom.epochsEnded(bobsRoom.takeEpochChange()!, learned)
    const within = learned + EPOCH_GRACE_MS - 1
    assert.equal(validateEnvelope(post(bobsRoom, alice, a0, within), bobsRoom.validationContext(within)).verdict, 'accept')
    const past = learned + EPOCH_GRACE_MS + 1
    const late = validateEnvelope(post(bobsRoom, alice, a0, past), bobsRoom.validationContext(past))
    assert.deepEqual([late.verdict, late.reason], ['reject', 'closed-epoch'])
    // a sender that has sent in epoch 1 is refused in epoch 0 at once, inside the window too
    const { bob: bob2, carol: carol2, log: log2, bobsRoom: r2, alice: alice2 } = room()
    void bob2
    const old = chainOf(r2, alice2, 0)
    log2.append(log2.createEntry(alice2, { type: 'remove', member: carol2.publicKey, reason: '' }, T0 + 2000))
    r2.epochsEnded(r2.takeEpochChange()!, T0 + 2000)
    const a1 = chainOf(r2, alice2, 1)
    const t = T0 + 3000
    const inNew = validateEnvelope(post(r2, alice2, a1, t), r2.validationContext(t))
    assert.equal(inNew.verdict, 'accept')
    r2.noteAccepted(Buffer.from(alice2.publicKey).toString('hex'), 1)
    const back = validateEnvelope(post(r2, alice2, old, t), r2.validationContext(t))
    assert.deepEqual([back.verdict, back.reason], ['reject', 'closed-epoch'])
  })

  it("a late joiner: the chain is handed out at its current position and the sender forgets what came before", () => {
    const { alice, bobsRoom } = room()
    const chain = OutboundSenderChain.create({ roomId: bobsRoom.roomId, epoch: 0, sender: alice.publicKey })
    const early = InboundSenderChain.fromSenderKey(decodeSenderKey(encodeSenderKey(chain.exportKey())))
    for (let i = 0; i < 5; i++) post(bobsRoom, alice, chain, T0) // five messages a recorder keeps
    const late = decodeSenderKey(encodeSenderKey(chain.exportKey()))
    assert.equal(late.index, 5)
    assert.equal(chain.startIndex, 5)
    const joiner = InboundSenderChain.fromSenderKey(late)
    for (let i = 0; i < 5; i++) assert.deepEqual(joiner.keyFor(i), { ok: false, reason: 'before-start' })
    assert.equal(early.keyFor(0).ok, true) // who held it from the start still reads them
    // the stored state keeps nothing before index 5: restored, it hands out index 5 at the earliest
    const restored = OutboundSenderChain.fromState(chain.toState())
    assert.equal(restored.exportKey().index, 5)
  })
})

describe('signed distribution of sender chains', () => {
  it('a chain is installed only with its owner\'s signature: one forged or re-signed by a relay is not', () => {
    const { alice, bob, carol, bobsRoom } = room()
    void bob
    const real = OutboundSenderChain.create({ roomId: bobsRoom.roomId, epoch: 0, sender: alice.publicKey })
    // carol relays a chain "of alice" she made up: unsigned, signed by herself, or alice's signature over another key
    const fake = OutboundSenderChain.create({ roomId: bobsRoom.roomId, epoch: 0, sender: alice.publicKey }).exportKey()
    const signedReal = decodeSenderKey(signSenderKey(real.exportKey(), alice, 0))
    const forgeries = [
      encodeSenderKey(fake),
      signSenderKey(fake, carol, 0),
      encodeSenderKey({ ...fake, signedMs: 0, signature: signedReal.signature })
    ]
    assert.deepEqual(bobsRoom.installSenderKeys(tables, forgeries, carol.publicKey), [])
    assert.equal(bobsRoom.hasInbound(alice.publicKey, 0), false)
    // alice's real one, relayed by carol: installed (a relay cannot forge, so it is as good as alice's)
    assert.equal(bobsRoom.installSenderKeys(tables, [signSenderKey(real.exportKey(), alice, 0)], carol.publicKey).length, 1)
    assert.equal(bobsRoom.hasInbound(alice.publicKey, 0), true)
    assert.equal(bobsRoom.isRelayedChain(Buffer.from(alice.publicKey).toString('hex'), 0), true)
  })

  it('a relay hands a chain only to members admitted before its owner signed it', () => {
    const { alice, carol, log, bobsRoom } = room()
    const carolChain = OutboundSenderChain.create({ roomId: bobsRoom.roomId, epoch: 0, sender: carol.publicKey })
    bobsRoom.installSenderKeys(tables, [signSenderKey(carolChain.exportKey(), carol, T0 + 1500)], carol.publicKey)
    const relayed = (to: Ed25519PrivateKey): number => bobsRoom.allSenderKeys(tables, key(2), to.publicKey).keys.length - 1
    assert.equal(relayed(alice), 1) // alice was a member when carol signed
    // dave is admitted afterwards: bob does not relay carol's older signature to him
    const inv = createInvite(log, alice, { role: 'member', expiresMs: T0 + 3_600_000, maxUses: 1, inviterPeerId: peer(1), addrs: [], nowMs: T0 })
    log.append(inv.entry)
    const dave = key(4)
    const invKey = Ed25519PrivateKey.fromSeed(inv.ticket.inviteSeed)
    log.append(log.createEntry(alice, { type: 'add', member: dave.publicKey, name: 'dave', role: 'member', peerId: peer(4), inviteKey: invKey.publicKey, inviteProof: signInviteUse(invKey, log.roomId, dave.publicKey, peer(4)) }, T0 + 2000))
    assert.equal(relayed(dave), 0)
    // once carol signs again, after dave's admission, bob relays that newer one to dave too
    bobsRoom.installSenderKeys(tables, [signSenderKey(carolChain.exportKey(), carol, T0 + 3000)], carol.publicKey)
    assert.equal(relayed(dave), 1)
  })

  it('an envelope that fails to open under a relayed chain is IGNOREd, under the owner\'s own REJECTed', () => {
    const { alice, bobsRoom } = room()
    const real = OutboundSenderChain.create({ roomId: bobsRoom.roomId, epoch: 0, sender: alice.publicKey })
    bobsRoom.installSenderKeys(tables, [signSenderKey(real.exportKey(), alice, 0)], key(3).publicKey) // relayed by carol
    const other = OutboundSenderChain.create({ roomId: bobsRoom.roomId, epoch: 0, sender: alice.publicKey }) // alice seals under another chain
    const r = validateEnvelope(post(bobsRoom, alice, other, T0), bobsRoom.validationContext(T0))
    assert.deepEqual([r.verdict, r.reason], ['ignore', 'decrypt-failed'])
    const { alice: a2, bobsRoom: r2 } = room()
    const direct = OutboundSenderChain.create({ roomId: r2.roomId, epoch: 0, sender: a2.publicKey })
    r2.installSenderKeys(tables, [signSenderKey(direct.exportKey(), a2, 0)], a2.publicKey)
    const wrong = OutboundSenderChain.create({ roomId: r2.roomId, epoch: 0, sender: a2.publicKey })
    const r2v = validateEnvelope(post(r2, a2, wrong, T0), r2.validationContext(T0))
    assert.deepEqual([r2v.verdict, r2v.reason], ['reject', 'decrypt-failed'])
  })
})

describe('envelopes of epochs we do not know yet', () => {
  it('the next epoch: IGNOREd only from a member with a valid signature; junk there is REJECTed; two ahead is REJECTed', () => {
    const { alice, bobsRoom } = room()
    const next = OutboundSenderChain.create({ roomId: bobsRoom.roomId, epoch: 1, sender: alice.publicKey })
    const ok = validateEnvelope(post(bobsRoom, alice, next, T0), bobsRoom.validationContext(T0))
    assert.deepEqual([ok.verdict, ok.reason], ['ignore', 'unknown-epoch'])
    // the same envelope with its signature broken: the sender pays (REJECT), not only us
    const bytes = post(bobsRoom, alice, next, T0)
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1
    const forged = validateEnvelope(bytes, bobsRoom.validationContext(T0))
    assert.deepEqual([forged.verdict, forged.reason], ['reject', 'bad-signature'])
    const stranger = key(9)
    const fromStranger = OutboundSenderChain.create({ roomId: bobsRoom.roomId, epoch: 1, sender: stranger.publicKey })
    assert.deepEqual(((r) => [r.verdict, r.reason])(validateEnvelope(post(bobsRoom, stranger, fromStranger, T0), bobsRoom.validationContext(T0))), ['reject', 'non-member'])
    const far = OutboundSenderChain.create({ roomId: bobsRoom.roomId, epoch: 2, sender: alice.publicKey })
    assert.deepEqual(((r) => [r.verdict, r.reason])(validateEnvelope(post(bobsRoom, alice, far, T0), bobsRoom.validationContext(T0))), ['reject', 'epoch-too-far'])
  })
})
