// Join and keys handshakes in memory: full joins, a second admin admitting, refusals, tampering at every step, replay, POSTER keys.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Ed25519PrivateKey, X25519PrivateKey, aeadSeal, hkdfSha256, sha256 } from '../../src/crypto/index.js'
import { JoinInitiator, JoinResponder, KeysInitiator, KeysResponder } from '../../src/room/handshake.js'
import { createInvite, type Ticket } from '../../src/room/invite.js'
import { MembershipLog } from '../../src/room/membership.js'
import {
  KEYS_LABELS, counterNonce, decodeFrame, decodeKeysReply, encodeFrame, encodeJoinWelcome, encodeKeyBundle,
  encodeKeysConfirm, encodeKeysHello, keysTranscriptInput, labelled
} from '../../src/wire/handshake.js'
import type { RoleName } from '../../src/wire/membership.js'

const T0 = 1_700_000_000_000
const HOUR = 3_600_000
const key = (n: number) => Ed25519PrivateKey.fromSeed(new Uint8Array(32).fill(n))
const peer = (n: number) => new Uint8Array(38).fill(n)
const sk = (n: number) => new Uint8Array(100).fill(n) // stands in for encoded SenderKey bytes

function room () {
  const creator = key(1)
  const log = MembershipLog.create(creator, { name: 'ops', creatorName: 'alice', creatorPeerId: peer(1), createdMs: T0 })
  return { creator, log }
}

function ticketFor (log: MembershipLog, admin: Ed25519PrivateKey, role: RoleName = 'member', maxUses = 5): Ticket {
  const inv = createInvite(log, admin, { role, expiresMs: T0 + HOUR, maxUses, inviterPeerId: peer(1), addrs: [], nowMs: T0 })
  log.append(inv.entry)
  return inv.ticket
}

type Step = 'hello' | 'challenge' | 'proof' | 'welcome' | 'bundle'
interface JoinOpts { n: number, adminKeys?: Uint8Array[], now?: number, remotePeerId?: Uint8Array, tamper?: { step: Step, fn: (b: Uint8Array) => Uint8Array } }

/** Runs a whole join between ADMIN (holding LOG) and joiner key(n); the Add is appended to LOG as the service would. */
function join (log: MembershipLog, admin: Ed25519PrivateKey, ticket: Ticket, o: JoinOpts) {
  const J = new JoinInitiator({}, { ticket, memberKey: key(o.n), name: `user${o.n}`, peerId: peer(o.n) })
  const M = new JoinResponder({ log }, { adminKey: admin, remotePeerId: o.remotePeerId ?? peer(o.n), now: () => o.now ?? T0 + 1 })
  const t = (step: Step, b: Uint8Array) => o.tamper?.step === step ? o.tamper.fn(b) : b
  const proof = J.onChallenge(t('challenge', M.onHello(t('hello', J.hello()))))
  const decision = M.onProof(t('proof', proof))
  if (!decision.admitted) J.onWelcome(decision.frame) // throws the refusal's error
  assert.ok(decision.admitted)
  log.append(decision.addEntry)
  const result = J.onWelcome(t('welcome', M.welcome(o.adminKeys ?? [sk(1)])))
  const fromJoiner = M.onBundle(t('bundle', J.bundle([sk(o.n)])))
  return { result, decision, fromJoiner, M, J }
}

function flip (i: number) {
  return (b: Uint8Array) => { const c = b.slice(); c[i % c.length]! ^= 0x04; return c }
}

describe('join handshake', () => {
  it('full join: the joiner gets the verified log with its Add and the sender keys; the admin gets the joiner\'s keys', () => {
    const { creator, log } = room()
    const ticket = ticketFor(log, creator)
    const { result, decision, fromJoiner } = join(log, creator, ticket, { n: 2, adminKeys: [sk(1), sk(7)] })
    assert.ok(decision.admitted)
    assert.equal(decision.role, 'member')
    assert.equal(result.role, 'member')
    assert.deepEqual(result.admin, creator.publicKey)
    assert.deepEqual(result.log.toBytes(), log.toBytes())
    assert.deepEqual(result.senderKeys, [sk(1), sk(7)])
    assert.deepEqual(fromJoiner.senderKeys, [sk(2)])
    assert.equal(log.roleOf(key(2).publicKey), 'member')
    assert.equal(log.member(key(2).publicKey)!.name, 'user2')
    assert.equal(log.invite(key(0).publicKey), undefined)
  })

  it('a SECOND admin, not the inviter, admits a ticket holder while the inviter is away', () => {
    const { creator, log } = room()
    const bob = join(log, creator, ticketFor(log, creator, 'admin'), { n: 2 })
    const bobLog = bob.result.log
    assert.equal(bobLog.roleOf(key(2).publicKey), 'admin')
    const ticket = ticketFor(log, creator, 'member', 1) // issued by alice
    bobLog.merge(log.toBytes()) // bob hears the Invite entry (broadcast)
    const carol = join(bobLog, key(2), ticket, { n: 3 }) // alice is not involved
    assert.equal(carol.result.role, 'member')
    assert.deepEqual(carol.result.admin, key(2).publicKey)
    assert.deepEqual(log.merge(bobLog.toBytes()), { added: 1, dropped: [] }) // alice learns of carol later
    assert.equal(log.inviteStatus(createKeyOf(ticket), T0), 'used-up')
  })

  it('refusals: unknown invite, wrong room, expired, used up, revoked, already a member, not an admin, wrong peer id', () => {
    const { creator, log } = room()
    const ticket = ticketFor(log, creator, 'member', 1)
    const refused = (t: Ticket, o: JoinOpts, name: string, message: string, exitCode = 2, l = log, admin = creator) =>
      assert.throws(() => join(l, admin, t, o), (err: any) => { assert.equal(err.name, name); assert.equal(err.message, message); assert.equal(err.exitCode, exitCode); return true })
    refused({ ...ticket, inviteSeed: new Uint8Array(32).fill(42) }, { n: 2 }, 'JoinRefusedError', 'the join was refused (UNKNOWN_INVITE): the invite is not known in this room')
    refused({ ...ticket, roomId: new Uint8Array(32) }, { n: 2 }, 'JoinRefusedError', 'the join was refused (UNKNOWN_ROOM): this peer is not in that room')
    refused(ticket, { n: 2, now: T0 + 2 * HOUR }, 'TicketExpiredError', 'the invite ticket has expired')
    refused(ticket, { n: 2, remotePeerId: peer(99) }, 'JoinRefusedError', 'the join was refused (MALFORMED): the peer id does not match the connection')
    join(log, creator, ticket, { n: 2 })
    refused(ticket, { n: 3 }, 'TicketUsedUpError', 'the invite ticket has been used up')
    const t2 = ticketFor(log, creator)
    refused(t2, { n: 2 }, 'JoinRefusedError', 'the join was refused (ALREADY_MEMBER): you are already a member of the room')
    // key(2) is a plain member: it cannot admit
    const memberLog = MembershipLog.verifyAndLoad(log.toBytes())
    refused(t2, { n: 4 }, 'JoinRefusedError', 'the join was refused (NOT_ADMIN): this member is not an admin of the room', 1, memberLog, key(2))
    log.append(log.createEntry(creator, { type: 'revoke-invite', inviteKey: createKeyOf(t2) }, T0))
    refused(t2, { n: 4 }, 'TicketRevokedError', 'the invite ticket has been revoked')
  })

  it('a flipped bit in any frame at any step makes the join fail', () => {
    const { creator, log } = room()
    const ticket = ticketFor(log, creator)
    // measure frame sizes once
    const sizes: Record<Step, number> = { hello: 0, challenge: 0, proof: 0, welcome: 0, bundle: 0 }
    for (const step of Object.keys(sizes) as Step[]) {
      join(MembershipLog.verifyAndLoad(log.toBytes()), creator, ticket, { n: 2, tamper: { step, fn: b => { sizes[step] = b.length; return b } } })
    }
    let runs = 0
    for (const step of Object.keys(sizes) as Step[]) {
      const stride = step === 'welcome' ? 11 : step === 'proof' || step === 'bundle' ? 2 : 1
      for (let i = 0; i < sizes[step]; i += stride) {
        const copy = MembershipLog.verifyAndLoad(log.toBytes())
        assert.throws(() => join(copy, creator, ticket, { n: 2, tamper: { step, fn: flip(i) } }), (err: any) =>
          ['HandshakeError', 'JoinRefusedError', 'MembershipLogError'].includes(err.name), `${step} byte ${i}`)
        runs++
      }
    }
    assert.ok(runs > 300, `${runs} runs`)
  })

  it('a JoinProof recorded in an earlier session is refused in a new one (fresh admin ephemeral)', () => {
    const { creator, log } = room()
    const ticket = ticketFor(log, creator)
    const J = new JoinInitiator({}, { ticket, memberKey: key(2), name: 'bob', peerId: peer(2) })
    const hello = J.hello()
    const M1 = new JoinResponder({ log }, { adminKey: creator, now: () => T0 })
    const proof = J.onChallenge(M1.onHello(hello)) // session 1 is then abandoned, nothing appended
    const M2 = new JoinResponder({ log }, { adminKey: creator, now: () => T0 })
    M2.onHello(hello)
    const decision = M2.onProof(proof)
    assert.equal(decision.admitted, false)
    assert.ok(!decision.admitted)
    assert.equal(decision.code, 'MALFORMED')
    assert.equal(decision.message, "the member's signature does not verify")
    assert.equal(log.head.seq, 1)
  })

  it('a POSTER gets no sender keys: the admin leaves them out of the welcome', () => {
    const { creator, log } = room()
    const ticket = ticketFor(log, creator, 'poster')
    let welcomeLength = 0
    const { result, fromJoiner } = join(log, creator, ticket, { n: 5, adminKeys: [sk(1), sk(2), sk(3)], tamper: { step: 'welcome', fn: b => { welcomeLength = b.length; return b } } })
    assert.equal(result.role, 'poster')
    assert.deepEqual(result.senderKeys, [])
    const emptyWelcome = encodeFrame({ type: 'sealed', bytes: new Uint8Array(encodeJoinWelcome({ log: log.toBytes(), senderKeys: [] }).length + 16) })
    assert.equal(welcomeLength, emptyWelcome.length)
    assert.deepEqual(fromJoiner.senderKeys, [sk(5)], 'a poster still sends its own key')
  })

  it('steps out of order are refused', () => {
    const { creator, log } = room()
    const J = new JoinInitiator({}, { ticket: ticketFor(log, creator), memberKey: key(2), name: 'bob', peerId: peer(2) })
    assert.throws(() => J.onWelcome(new Uint8Array(3)), { name: 'HandshakeError', message: "handshake step out of order (at 'hello', called for 'welcome')" })
    const M = new JoinResponder({ log }, { adminKey: creator })
    assert.throws(() => M.welcome([]), { name: 'HandshakeError', message: 'handshake step out of order (the joiner was not admitted)' })
  })
})

function createKeyOf (t: Ticket): Uint8Array {
  return Ed25519PrivateKey.fromSeed(t.inviteSeed).publicKey
}

/** Runs a keys exchange from A (initiator) to B (responder). */
function keys (aLog: MembershipLog, a: number, bLog: MembershipLog, b: number) {
  const A = new KeysInitiator({ log: aLog }, { memberKey: key(a), senderKeys: [sk(a)], expectedPeer: key(b).publicKey })
  const B = new KeysResponder({ log: bLog }, { memberKey: key(b), senderKeys: [sk(b)] })
  const [confirm, bundle] = A.onReply(B.onHello(A.hello()))
  B.onConfirm(confirm!)
  const { frame, result: atB } = B.onBundle(bundle!)
  return { atA: A.onBundle(frame), atB }
}

describe('keys handshake (member to member)', () => {
  it('mutual auth, the stale side learns the log it lacks, both get each other\'s sender keys', () => {
    const { creator, log } = room()
    const bob = join(log, creator, ticketFor(log, creator), { n: 2 }).result.log
    const carol = join(log, creator, ticketFor(log, creator), { n: 3 }).result.log
    assert.equal(bob.isMember(key(3).publicKey), false)
    const { atA, atB } = keys(carol, 3, bob, 2)
    assert.equal(atB.merged, 2) // the Invite and carol's Add
    assert.deepEqual(atB.peer, key(3).publicKey)
    assert.deepEqual(atB.senderKeys, [sk(3)])
    assert.deepEqual(atA.senderKeys, [sk(2)])
    assert.equal(atA.role, 'member')
    assert.deepEqual(bob.head, carol.head)
  })

  it('a POSTER receives no sender keys but sends its own', () => {
    const { creator, log } = room()
    const bob = join(log, creator, ticketFor(log, creator), { n: 2 }).result.log
    const dave = join(log, creator, ticketFor(log, creator, 'poster'), { n: 4 }).result.log
    const r1 = keys(dave, 4, bob, 2)
    assert.deepEqual(r1.atA.senderKeys, [])
    assert.deepEqual(r1.atB.senderKeys, [sk(4)])
    const r2 = keys(bob, 2, dave, 4)
    assert.deepEqual(r2.atA.senderKeys, [sk(4)])
    assert.deepEqual(r2.atB.senderKeys, [])
  })

  it('a removed member is refused; a non-member who speaks the protocol gets nothing', () => {
    const { creator, log } = room()
    const bob = join(log, creator, ticketFor(log, creator), { n: 2 }).result.log
    log.append(log.createEntry(creator, { type: 'remove', member: key(2).publicKey, reason: 'kick' }, T0))
    assert.throws(() => keys(bob, 2, log, 1), { name: 'HandshakeError', message: 'the member refused the key exchange (REVOKED): you were removed from the room' })

    const B = new KeysResponder({ log }, { memberKey: creator, senderKeys: [sk(1)] })
    const eve = key(99); const eph = X25519PrivateKey.generate()
    const helloBytes = encodeKeysHello({ version: 1, roomId: log.roomId, member: eve.publicKey, ephemeral: eph.publicKey, logHeadSeq: 0 })
    const reply = decodeKeysReply(decodeFrame(B.onHello(encodeFrame({ type: 'keys-hello', bytes: helloBytes }))).bytes)
    const th1 = sha256(keysTranscriptInput(helloBytes, reply.member, reply.ephemeral, reply.logHeadSeq))
    B.onConfirm(encodeFrame({ type: 'keys-confirm', bytes: encodeKeysConfirm({ signature: eve.sign(labelled(KEYS_LABELS.initiator, th1)) }) }))
    // the documented derivation: HKDF(shared, salt = th1, info = label, 64) → initiator-to-responder ‖ responder-to-initiator
    const okm = hkdfSha256(eph.agree(reply.ephemeral), th1, labelled(KEYS_LABELS.keys), 64)
    const sealed = aeadSeal('chacha20-poly1305', okm.subarray(0, 32), counterNonce(0), encodeKeyBundle({ logHeadSeq: 0, log: [], senderKeys: [] }), labelled(KEYS_LABELS.bundle))
    assert.throws(() => B.onBundle(encodeFrame({ type: 'sealed', bytes: sealed })), { name: 'HandshakeError', message: 'the peer is not a member of the room' })
  })

  it('tampered reply, confirm or bundle fails', () => {
    const { creator, log } = room()
    const bob = join(log, creator, ticketFor(log, creator), { n: 2 }).result.log
    for (const at of ['reply', 'confirm', 'bundle-a', 'bundle-b'] as const) {
      for (const i of [3, 20, 40]) {
        const A = new KeysInitiator({ log: bob }, { memberKey: key(2), senderKeys: [sk(2)] })
        const B = new KeysResponder({ log }, { memberKey: creator, senderKeys: [sk(1)] })
        const t = (s: typeof at, b: Uint8Array) => s === at ? flip(i)(b) : b
        assert.throws(() => {
          const [confirm, bundle] = A.onReply(t('reply', B.onHello(A.hello())))
          B.onConfirm(t('confirm', confirm!))
          A.onBundle(t('bundle-b', B.onBundle(t('bundle-a', bundle!)).frame))
        }, { name: 'HandshakeError' }, `${at} ${i}`)
      }
    }
  })
})
