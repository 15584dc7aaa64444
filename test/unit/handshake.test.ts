// Join and keys handshakes in memory: full joins, a second admin admitting, refusals and who may make them final, what a non-member or a replayed hello gets, tampering at every step, replay, POSTER keys.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Ed25519PrivateKey, X25519PrivateKey, sha256 } from '../../src/crypto/index.js'
import { JoinInitiator, JoinResponder, KeysInitiator, KeysResponder } from '../../src/room/handshake.js'
import { createInvite, type Ticket } from '../../src/room/invite.js'
import { MembershipLog } from '../../src/room/membership.js'
import {
  JOIN_LABELS, decodeFrame, decodeJoinRefused, encodeFrame, encodeJoinChallenge, encodeJoinHello, encodeJoinWelcome,
  encodeKeysHello, joinHelloSigningInput, joinTranscriptInput, keysHelloSigningInput, labelled, peerBinding
} from '../../src/wire/handshake.js'
import type { RoleName } from '../../src/wire/membership.js'
import { Channel, deriveKeys } from '../../src/room/handshake-channel.js'

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

/** Tickets name peer(1), alice's node, as the inviter. */
function ticketFor (log: MembershipLog, admin: Ed25519PrivateKey, role: RoleName = 'member', maxUses = 5): Ticket {
  const inv = createInvite(log, admin, { role, expiresMs: T0 + HOUR, maxUses, inviterPeerId: peer(1), addrs: [], nowMs: T0 })
  log.append(inv.entry)
  return inv.ticket
}

type Step = 'hello' | 'challenge' | 'log' | 'proof' | 'welcome' | 'bundle'
interface JoinOpts {
  n: number
  /** The admin's node (default peer(admin seed)); the ticket's inviter is peer(1). */
  adminPeer?: Uint8Array
  adminKeys?: Uint8Array[]
  now?: number
  /** The joiner's peer id as the admin's connection sees it (default peer(n)). */
  remotePeerId?: Uint8Array
  tamper?: { step: Step, fn: (b: Uint8Array) => Uint8Array }
}

/** Runs a whole join between ADMIN (holding LOG) and joiner key(n); the Add is appended to LOG as the service would. */
function join (log: MembershipLog, admin: Ed25519PrivateKey, ticket: Ticket, o: JoinOpts) {
  const adminPeer = o.adminPeer ?? peer(1)
  const J = new JoinInitiator({}, { ticket, memberKey: key(o.n), name: `user${o.n}`, peers: { local: peer(o.n), remote: adminPeer } })
  const M = new JoinResponder({ log }, { adminKey: admin, peers: { local: adminPeer, remote: o.remotePeerId ?? peer(o.n) }, now: () => o.now ?? T0 + 1 })
  const t = (step: Step, b: Uint8Array) => o.tamper?.step === step ? o.tamper.fn(b) : b
  const answer = M.onHello(t('hello', J.hello()))
  J.onChallenge(t('challenge', answer[0]!)) // throws the refusal's error
  assert.equal(answer.length, 2)
  const decision = M.onProof(t('proof', J.onLog(t('log', answer[1]!))))
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

const refusalOf = (frame: Uint8Array) => {
  const f = decodeFrame(frame)
  assert.equal(f.type, 'refused')
  return { ...decodeJoinRefused(f.bytes) }
}
const GENERIC_JOIN = { code: 'UNKNOWN_INVITE', message: 'this peer cannot admit you with this invite' }
const GENERIC_KEYS = { code: 'NOT_MEMBER', message: 'this peer does not exchange keys with you' }

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
  })

  it('a SECOND admin, not the inviter, admits a ticket holder while the inviter is away', () => {
    const { creator, log } = room()
    const bob = join(log, creator, ticketFor(log, creator, 'admin'), { n: 2 })
    const bobLog = bob.result.log
    assert.equal(bobLog.roleOf(key(2).publicKey), 'admin')
    const ticket = ticketFor(log, creator, 'member', 1) // issued by alice
    bobLog.merge(log.toBytes()) // bob hears the Invite entry (broadcast)
    const carol = join(bobLog, key(2), ticket, { n: 3, adminPeer: peer(2) }) // alice is not involved
    assert.equal(carol.result.role, 'member')
    assert.deepEqual(carol.result.admin, key(2).publicKey)
    assert.deepEqual(log.merge(bobLog.toBytes()), { added: 1, dropped: [] }) // alice learns of carol later
    assert.equal(log.inviteStatus(createKeyOf(ticket), T0), 'used-up')
  })

  it('refusals: final from the inviter or sealed after the admin proved itself; from any other peer before that, not final (exit 3)', () => {
    const { creator, log } = room()
    const ticket = ticketFor(log, creator, 'member', 1)
    const refused = (t: Ticket, o: JoinOpts, name: string, message: string, exitCode = 2, final = true, l = log, admin = creator) =>
      assert.throws(() => join(l, admin, t, o), (err: any) => {
        assert.equal(err.name, name); assert.equal(err.message, message); assert.equal(err.exitCode, exitCode)
        if (name === 'JoinRefusedError') assert.equal(err.final, final)
        return true
      })
    refused(ticket, { n: 2, now: T0 + 2 * HOUR }, 'TicketExpiredError', 'the invite ticket has expired')
    // the same answer from a node that is not the ticket's inviter and proved nothing: the join goes on elsewhere
    refused(ticket, { n: 2, now: T0 + 2 * HOUR, adminPeer: peer(77) }, 'JoinRefusedError',
      'peer that answered refused the join (EXPIRED) but could not prove it is an admin of the room: the invite has expired', 1, false)
    // a hello signed for another connection than the one it came on: the generic refusal, not final
    refused(ticket, { n: 2, remotePeerId: peer(99), adminPeer: peer(77) }, 'JoinRefusedError',
      'peer that answered refused the join (UNKNOWN_INVITE) but could not prove it is an admin of the room: this peer cannot admit you with this invite', 1, false)
    join(log, creator, ticket, { n: 2 })
    refused(ticket, { n: 3 }, 'TicketUsedUpError', 'the invite ticket has been used up')
    const t2 = ticketFor(log, creator)
    // after the admin proved itself (sealed in the channel): final whoever it is
    refused(t2, { n: 2, adminPeer: peer(77) }, 'JoinRefusedError', 'the join was refused (ALREADY_MEMBER): you are already a member of the room')
    // key(2) is a plain member: it cannot admit, and says so before it signs anything
    const memberLog = MembershipLog.verifyAndLoad(log.toBytes())
    refused(t2, { n: 4, adminPeer: peer(2) }, 'JoinRefusedError',
      'peer that answered refused the join (NOT_ADMIN) but could not prove it is an admin of the room: this member is not an admin of the room', 1, false, memberLog, key(2))
    log.append(log.createEntry(creator, { type: 'revoke-invite', inviteKey: createKeyOf(t2) }, T0))
    refused(t2, { n: 4 }, 'TicketRevokedError', 'the invite ticket has been revoked')
  })

  it('no valid invite, whatever the reason, gets one generic refusal and nothing signed: unknown invite, other room, bad signature, a hello replayed on another connection', () => {
    const { creator, log } = room()
    const ticket = ticketFor(log, creator)
    const M = (remote = peer(2)) => new JoinResponder({ log }, { adminKey: creator, peers: { local: peer(1), remote }, now: () => T0 + 1 })
    const hello = (t: Ticket, local = peer(2), remote = peer(1)) => new JoinInitiator({}, { ticket: t, memberKey: key(2), name: 'bob', peers: { local, remote } }).hello()
    const answers = [
      M().onHello(hello({ ...ticket, inviteSeed: new Uint8Array(32).fill(42) })),
      M().onHello(hello({ ...ticket, roomId: new Uint8Array(32) })),
      M().onHello(flip(80)(hello(ticket))), // inside the invite signature
      // eve got bob's hello on bob's connection to HER (peer 66) and replays it to alice from peer 66
      M(peer(66)).onHello(hello(ticket, peer(2), peer(66))),
      M().onHello(new Uint8Array([1, 2, 3]))
    ]
    for (const a of answers) {
      assert.equal(a.length, 1)
      assert.deepEqual(refusalOf(a[0]!), GENERIC_JOIN)
    }
    assert.equal(log.head.seq, 1)
  })

  it('the joiner says who it is only to a peer whose sealed log shows it is an admin of the ticket\'s room', () => {
    const { creator, log } = room()
    const ticket = ticketFor(log, creator)
    // eve knows the invite's public key (say she saw a hello) and runs her own room: her challenge
    // verifies, but her log is not the ticket's room, so the joiner stops before its proof
    const eve = key(66)
    const eveLog = MembershipLog.create(eve, { name: 'ops', creatorName: 'eve', creatorPeerId: peer(66), createdMs: T0 })
    const J = new JoinInitiator({}, { ticket, memberKey: key(2), name: 'bob', peers: { local: peer(2), remote: peer(66) } })
    const helloFrame = J.hello()
    const eph = X25519PrivateKey.generate()
    const th1 = sha256(joinTranscriptInput(decodeFrame(helloFrame).bytes, eve.publicKey, eph.publicKey, peerBinding(peer(2), peer(66))))
    J.onChallenge(encodeFrame({ type: 'join-challenge', bytes: encodeJoinChallenge({ member: eve.publicKey, ephemeral: eph.publicKey, signature: eve.sign(labelled(JOIN_LABELS.admin, th1)) }) }))
    const hello = decodeFrame(helloFrame).bytes
    const joinerEph = decodeJoinHelloEph(hello)
    const [toJoiner, toAdmin] = deriveKeys(eph, joinerEph, th1, JOIN_LABELS.keys)
    const sealed = new Channel(toJoiner, toAdmin).seal(JOIN_LABELS.log, encodeJoinWelcome({ log: eveLog.toBytes(), senderKeys: [] }))
    assert.throws(() => J.onLog(sealed), { name: 'MembershipLogError' })
    // and a member of the right room who is not an admin: its log says so
    const bob = join(log, creator, ticketFor(log, creator), { n: 3 }).result.log
    const J2 = new JoinInitiator({}, { ticket, memberKey: key(4), name: 'dan', peers: { local: peer(4), remote: peer(3) } })
    const h2 = J2.hello()
    const eph2 = X25519PrivateKey.generate()
    const th2 = sha256(joinTranscriptInput(decodeFrame(h2).bytes, key(3).publicKey, eph2.publicKey, peerBinding(peer(4), peer(3))))
    J2.onChallenge(encodeFrame({ type: 'join-challenge', bytes: encodeJoinChallenge({ member: key(3).publicKey, ephemeral: eph2.publicKey, signature: key(3).sign(labelled(JOIN_LABELS.admin, th2)) }) }))
    const [a, b] = deriveKeys(eph2, decodeJoinHelloEph(decodeFrame(h2).bytes), th2, JOIN_LABELS.keys)
    assert.throws(() => J2.onLog(new Channel(a, b).seal(JOIN_LABELS.log, encodeJoinWelcome({ log: bob.toBytes(), senderKeys: [] }))),
      { name: 'HandshakeError', message: 'the peer that answered is not an admin of the room' })
  })

  it('a flipped bit in any frame at any step makes the join fail', () => {
    const { creator, log } = room()
    const ticket = ticketFor(log, creator)
    const sizes: Record<Step, number> = { hello: 0, challenge: 0, log: 0, proof: 0, welcome: 0, bundle: 0 }
    for (const step of Object.keys(sizes) as Step[]) {
      join(MembershipLog.verifyAndLoad(log.toBytes()), creator, ticket, { n: 2, tamper: { step, fn: b => { sizes[step] = b.length; return b } } })
    }
    let runs = 0
    for (const step of Object.keys(sizes) as Step[]) {
      const stride = step === 'welcome' || step === 'log' ? 11 : step === 'proof' || step === 'bundle' ? 2 : 1
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
    const J = new JoinInitiator({}, { ticket, memberKey: key(2), name: 'bob', peers: { local: peer(2), remote: peer(1) } })
    const hello = J.hello()
    const peers = { local: peer(1), remote: peer(2) }
    const M1 = new JoinResponder({ log }, { adminKey: creator, peers, now: () => T0 })
    const a1 = M1.onHello(hello)
    J.onChallenge(a1[0]!)
    const proof = J.onLog(a1[1]!) // session 1 is then abandoned, nothing appended
    const M2 = new JoinResponder({ log }, { adminKey: creator, peers, now: () => T0 })
    M2.onHello(hello)
    const decision = M2.onProof(proof)
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
    const J = new JoinInitiator({}, { ticket: ticketFor(log, creator), memberKey: key(2), name: 'bob', peers: { local: peer(2), remote: peer(1) } })
    assert.throws(() => J.onWelcome(new Uint8Array(3)), { name: 'HandshakeError', message: "handshake step out of order (at 'hello', called for 'welcome')" })
    const M = new JoinResponder({ log }, { adminKey: creator, peers: { local: peer(1), remote: peer(2) } })
    assert.throws(() => M.welcome([]), { name: 'HandshakeError', message: 'handshake step out of order (the joiner was not admitted)' })
  })
})

function decodeJoinHelloEph (helloBytes: Uint8Array): Uint8Array {
  // field 4 (ephemeral) of JoinHello: tag 0x22, length 32
  const i = helloBytes.indexOf(0x22)
  return helloBytes.subarray(i + 2, i + 34)
}

function createKeyOf (t: Ticket): Uint8Array {
  return Ed25519PrivateKey.fromSeed(t.inviteSeed).publicKey
}

/** Runs a keys exchange from A (initiator, on peer(a)) to B (responder, on peer(b)). */
function keys (aLog: MembershipLog, a: number, bLog: MembershipLog, b: number) {
  const A = new KeysInitiator({ log: aLog }, { memberKey: key(a), senderKeysFor: () => [sk(a)], expectedPeer: key(b).publicKey, peers: { local: peer(a), remote: peer(b) } })
  const B = new KeysResponder({ log: bLog }, { memberKey: key(b), senderKeysFor: () => [sk(b)], peers: { local: peer(b), remote: peer(a) } })
  const reply = B.onHello(A.hello())
  if (B.refusal !== undefined) A.onReply(reply) // throws
  const { frame, result: atB } = B.onBundle(A.onReply(reply))
  return { atA: A.onBundle(frame), atB }
}

describe('keys handshake (member to member)', () => {
  it('mutual auth, the stale side learns the log it lacks, both get each other\'s sender keys', () => {
    const { creator, log } = room()
    const bob = join(log, creator, ticketFor(log, creator), { n: 2 }).result.log
    const carol = join(log, creator, ticketFor(log, creator), { n: 3 }).result.log
    bob.merge(carol.toBytes())
    join(log, creator, ticketFor(log, creator), { n: 4 })
    carol.merge(log.toBytes())
    assert.equal(bob.isMember(key(4).publicKey), false)
    const { atA, atB } = keys(bob, 2, carol, 3) // bob (stale) asks carol
    assert.equal(atA.merged, 2) // the Invite and dave's Add
    assert.deepEqual(atB.peer, key(2).publicKey)
    assert.deepEqual(atB.senderKeys, [sk(2)])
    assert.deepEqual(atA.senderKeys, [sk(3)])
    assert.equal(atA.role, 'member')
    assert.deepEqual(bob.head, carol.head)
  })

  it('a member the responder does not know yet gets the generic refusal, and no signature', () => {
    const { creator, log } = room()
    const bob = join(log, creator, ticketFor(log, creator), { n: 2 }).result.log
    const carol = join(log, creator, ticketFor(log, creator), { n: 3 }).result.log
    const B = new KeysResponder({ log: bob }, { memberKey: key(2), senderKeysFor: () => { throw new Error('no keys for a stranger') }, peers: { local: peer(2), remote: peer(3) } })
    const A = new KeysInitiator({ log: carol }, { memberKey: key(3), senderKeysFor: () => [sk(3)], peers: { local: peer(3), remote: peer(2) } })
    assert.deepEqual(refusalOf(B.onHello(A.hello())), GENERIC_KEYS)
  })

  it('a POSTER receives no sender keys but sends its own', () => {
    const { creator, log } = room()
    const bob = join(log, creator, ticketFor(log, creator), { n: 2 }).result.log
    const dave = join(log, creator, ticketFor(log, creator, 'poster'), { n: 4 }).result.log
    bob.merge(log.toBytes())
    const r1 = keys(dave, 4, bob, 2)
    assert.deepEqual(r1.atA.senderKeys, [])
    assert.deepEqual(r1.atB.senderKeys, [sk(4)])
    const r2 = keys(bob, 2, dave, 4)
    assert.deepEqual(r2.atA.senderKeys, [sk(4)])
    assert.deepEqual(r2.atB.senderKeys, [])
  })

  it('a removed member, a non-member, an unsigned or replayed hello: the same generic refusal, nothing signed', () => {
    const { creator, log } = room()
    const bob = join(log, creator, ticketFor(log, creator), { n: 2 }).result.log
    const B = (remote = peer(2)) => new KeysResponder({ log }, { memberKey: creator, senderKeysFor: () => [sk(1)], peers: { local: peer(1), remote } })
    const signedHello = (k: Ed25519PrivateKey, local: Uint8Array, remote: Uint8Array) => {
      const h = { roomId: log.roomId, member: k.publicKey, ephemeral: X25519PrivateKey.generate().publicKey, logHeadSeq: 0 }
      return encodeFrame({ type: 'keys-hello', bytes: encodeKeysHello({ version: 2, ...h, signature: k.sign(keysHelloSigningInput(h, peerBinding(local, remote))) }) })
    }
    // bob is a member now: a hello of his, signed for this connection, is answered
    const ok = B()
    assert.equal(decodeFrame(ok.onHello(signedHello(key(2), peer(2), peer(1)))).type, 'keys-reply')
    const answers = [
      B(peer(99)).onHello(signedHello(key(99), peer(99), peer(1))), // a stranger
      B().onHello(signedHello(key(2), peer(2), peer(66))), // bob's hello to eve (peer 66), replayed by eve... from bob's own peer id
      B(peer(66)).onHello(signedHello(key(2), peer(2), peer(1))), // ...or from hers
      B().onHello(flip(60)(signedHello(key(2), peer(2), peer(1))))
    ]
    log.append(log.createEntry(creator, { type: 'remove', member: key(2).publicKey, reason: 'kick' }, T0))
    answers.push(B().onHello(signedHello(key(2), peer(2), peer(1)))) // removed
    for (const a of answers) assert.deepEqual(refusalOf(a), GENERIC_KEYS)
    assert.throws(() => keys(bob, 2, log, 1), { name: 'HandshakeError', message: 'the member refused the key exchange (NOT_MEMBER): this peer does not exchange keys with you' })
  })

  it('tampered hello, reply or bundle fails', () => {
    const { creator, log } = room()
    const bob = join(log, creator, ticketFor(log, creator), { n: 2 }).result.log
    for (const at of ['hello', 'reply', 'bundle-a', 'bundle-b'] as const) {
      for (const i of [3, 20, 40]) {
        const A = new KeysInitiator({ log: bob }, { memberKey: key(2), senderKeysFor: () => [sk(2)], peers: { local: peer(2), remote: peer(1) } })
        const B = new KeysResponder({ log }, { memberKey: creator, senderKeysFor: () => [sk(1)], peers: { local: peer(1), remote: peer(2) } })
        const t = (s: typeof at, b: Uint8Array) => s === at ? flip(i)(b) : b
        assert.throws(() => {
          const bundle = A.onReply(t('reply', B.onHello(t('hello', A.hello()))))
          A.onBundle(t('bundle-b', B.onBundle(t('bundle-a', bundle)).frame))
        }, { name: 'HandshakeError' }, `${at} ${i}`)
      }
    }
  })
})

// Silence "unused" for helpers kept for readers of the byte layouts.
void encodeJoinHello; void joinHelloSigningInput
