// Keys that enter a room (issue 15, requirement 4): the known small-order Ed25519 points and
// non-canonical encodings are refused as a genesis creator, an invite key, a member in an Add and
// a joiner in a JoinHello. The attack first: the identity point with the all-zero signature
// verifies for EVERY message under OpenSSL, so such a key could "sign" anything.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ed25519 as nobleEd25519 } from '@noble/curves/ed25519.js'
import { Ed25519PrivateKey, ed25519PublicKeyAcceptable, ed25519Verify } from '../../src/crypto/index.js'
import { roomIdFromGenesis } from '../../src/room/genesis.js'
import { createInvite, signInviteUse } from '../../src/room/invite.js'
import { MembershipLog } from '../../src/room/membership.js'
import { encodeGenesis, encodeLogEntry, encodeSignedLogEntry, logSigningInput } from '../../src/wire/membership.js'

const hexBytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'))
/** The canonical encodings of the eight small-order points (orders 1, 2, 4, 4, 8, 8, 8, 8). */
const SMALL_ORDER = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa'
].map(hexBytes)
/** Non-canonical encodings: y = p + 1 (the identity again), y = p (zero again), and x = -0 for the identity. */
const NON_CANONICAL = [
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0100000000000000000000000000000000000000000000000000000000000080'
].map(hexBytes)
/** R = identity, S = 0: valid for every message under a small-order key. */
const UNIVERSAL_SIGNATURE = new Uint8Array(64)
UNIVERSAL_SIGNATURE[0] = 1
const T0 = 1_700_000_000_000
const key = (n: number): Ed25519PrivateKey => Ed25519PrivateKey.fromSeed(new Uint8Array(32).fill(n))

describe('small-order and non-canonical Ed25519 keys', () => {
  it('the attack: the identity key "signs" any message with one fixed signature', () => {
    for (const m of ['a', 'b', 'kick alice']) assert.equal(ed25519Verify(SMALL_ORDER[0]!, new TextEncoder().encode(m), UNIVERSAL_SIGNATURE), true)
  })

  it('ed25519PublicKeyAcceptable refuses every small-order point and non-canonical encoding, accepts real keys', () => {
    for (const k of SMALL_ORDER) {
      assert.equal(nobleEd25519.Point.fromBytes(k).isSmallOrder(), true, 'the list is right')
      assert.equal(ed25519PublicKeyAcceptable(k), false)
    }
    for (const k of NON_CANONICAL) assert.equal(ed25519PublicKeyAcceptable(k), false)
    for (let n = 1; n < 20; n++) assert.equal(ed25519PublicKeyAcceptable(key(n).publicKey), true)
    assert.equal(ed25519PublicKeyAcceptable(new Uint8Array(31)), false)
  })

  it('a genesis whose creator is the identity point is refused, although its signature "verifies"', () => {
    const creator = SMALL_ORDER[0]!
    const genesisBytes = encodeGenesis({ version: 1, creator, name: 'ops', nonce: new Uint8Array(16), createdMs: T0, creatorName: 'mallory', creatorPeerId: new Uint8Array(38).fill(7) })
    const entry = encodeLogEntry({ roomId: roomIdFromGenesis(genesisBytes), seq: 0, prev: new Uint8Array(0), author: creator, tsMs: T0, body: { type: 'genesis', bytes: genesisBytes } as any })
    assert.equal(ed25519Verify(creator, logSigningInput(entry), UNIVERSAL_SIGNATURE), true)
    assert.throws(() => MembershipLog.verifyAndLoad([encodeSignedLogEntry({ entry, signature: UNIVERSAL_SIGNATURE })]),
      { name: 'MembershipLogError', message: 'membership log entry 0 rejected: the creator key is not a valid Ed25519 public key' })
  })

  it('an invite key or an Add member of small order is refused, and the log is unchanged', () => {
    const alice = key(1)
    const log = MembershipLog.create(alice, { name: 'ops', creatorName: 'alice', creatorPeerId: new Uint8Array(38).fill(1), nonce: new Uint8Array(16), createdMs: T0 })
    for (const bad of [...SMALL_ORDER, ...NON_CANONICAL]) {
      const entry = log.createEntry(alice, { type: 'invite', inviteKey: bad, role: 'member', expiresMs: T0 + 3_600_000, maxUses: 1 }, T0)
      assert.throws(() => log.append(entry), { message: 'membership log entry 1 rejected: the invite key is not a valid Ed25519 public key' })
    }
    const inv = createInvite(log, alice, { role: 'member', expiresMs: T0 + 3_600_000, maxUses: 5, inviterPeerId: new Uint8Array(38).fill(1), addrs: [], nowMs: T0 })
    log.append(inv.entry)
    const invKey = Ed25519PrivateKey.fromSeed(inv.ticket.inviteSeed)
    const head = log.head.seq
    for (const bad of SMALL_ORDER) {
      const peerId = new Uint8Array(38).fill(9)
      const entry = log.createEntry(alice, { type: 'add', member: bad, name: 'mallory', role: 'member', peerId, inviteKey: invKey.publicKey, inviteProof: signInviteUse(invKey, log.roomId, bad, peerId) }, T0 + 1000)
      assert.throws(() => log.append(entry), { message: `membership log entry ${head + 1} rejected: the member key is not a valid Ed25519 public key` })
    }
    assert.equal(log.head.seq, head)
    assert.equal(log.members().length, 1)
  })
})

describe('a JoinProof with a small-order member key', () => {
  it('is refused (sealed, MALFORMED) before any signature is checked, and nothing is appended', async () => {
    const { JoinInitiator, JoinResponder } = await import('../../src/room/handshake.js')
    const { JOIN_LABELS, decodeJoinRefused, decodeJoinWelcome, encodeFrame, encodeJoinProof } = await import('../../src/wire/handshake.js')
    const alice = key(1)
    const log = MembershipLog.create(alice, { name: 'ops', creatorName: 'alice', creatorPeerId: new Uint8Array(38).fill(1), nonce: new Uint8Array(16), createdMs: T0 })
    const inv = createInvite(log, alice, { role: 'member', expiresMs: T0 + 3_600_000, maxUses: 5, inviterPeerId: new Uint8Array(38).fill(1), addrs: [], nowMs: T0 })
    log.append(inv.entry)
    const invKey = Ed25519PrivateKey.fromSeed(inv.ticket.inviteSeed)
    const peers = { local: new Uint8Array(38).fill(9), remote: new Uint8Array(38).fill(1) }
    for (const bad of SMALL_ORDER) {
      const J = new JoinInitiator({}, { ticket: inv.ticket, memberKey: key(9), name: 'mallory', peers })
      const M = new JoinResponder({ log }, { adminKey: alice, peers: { local: peers.remote, remote: peers.local }, now: () => T0 + 1 })
      const [challenge] = M.onHello(J.hello())
      J.onChallenge(challenge!)
      // the proof names the small-order key; its signatures are whatever a forger likes
      const proof = encodeFrame({ type: 'join-proof', bytes: encodeJoinProof({ member: bad, memberSignature: new Uint8Array(64), inviteProof: signInviteUse(invKey, log.roomId, bad, peers.local), name: 'mallory', peerId: peers.local }) })
      const decision = M.onProof(proof)
      assert.ok(!decision.admitted)
      assert.deepEqual([decision.code, decision.message], ['MALFORMED', 'the member key is not a valid Ed25519 public key'])
      void JOIN_LABELS; void decodeJoinRefused; void decodeJoinWelcome
    }
    assert.equal(log.head.seq, 1)
  })
})
