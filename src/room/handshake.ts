// Join and member-to-member keys handshakes as pure state machines over frame bytes (no libp2p; the room service runs them on streams).
//
// Join:  J→M hello · M→J challenge + sealed log | refused · J→M proof · M→J sealed welcome (or sealed refusal) · J→M sealed bundle
// Keys:  A→B signed hello · B→A reply | refused · A→B sealed bundle · B→A sealed bundle
// Nothing that reveals membership is said before the other side proved it may hear it: an admin
// answers only a hello signed by a known invite key for this very connection, a joiner names
// itself only to a peer that proved to be an admin (its log, sealed to the joiner), and a member
// signs a keys reply only for a current member whose signed hello names this connection. Everyone
// else gets one generic refusal. Each method takes the received frame bytes and returns the
// frame(s) to send; a method called out of order, a bad signature or a tampered frame throws
// HandshakeError and ends the session.
import { type Ed25519PrivateKey, X25519PrivateKey, ed25519PublicKeyAcceptable, ed25519Verify, sha256 } from '../crypto/index.js'
import {
  type ConclaveError, ExitCode, HandshakeError, JoinRefusedError, MalformedInputError,
  TicketExpiredError, TicketRevokedError, TicketUsedUpError
} from '../errors.js'
import * as w from '../wire/handshake.js'
import type { RoleName } from '../wire/membership.js'
import type { Ticket } from '../wire/ticket.js'
import { inviteKeyFromTicket, signInviteUse, verifyInviteUse } from './invite.js'
import { Channel, Steps, deriveKeys, equal, parse, readFrame } from './handshake-channel.js'
import { MembershipLog } from './membership.js'

const NEW_INVITE_HINT = 'ask an admin of the room for a new invite'

/**
 * A refusal from a peer that has not proved it is an admin (it answered the hello, before any
 * signature): never final, the joiner goes on to the next peer. Exit 3 if nobody else admits us.
 */
export function unverifiedRefusalError (r: w.JoinRefused, peer: string): JoinRefusedError {
  return new JoinRefusedError(r.code, `peer ${peer} refused the join (${r.code}) but could not prove it is an admin of the room: ${r.message}`, { exitCode: ExitCode.FAILURE, final: false })
}

/** The error a joiner reports for an admin's refusal (the inviter's, or one sealed after the admin proved itself). */
export function refusalError (r: w.JoinRefused): ConclaveError {
  switch (r.code) {
    case 'EXPIRED': return new TicketExpiredError('the invite ticket has expired', { hint: NEW_INVITE_HINT })
    case 'USED_UP': return new TicketUsedUpError('the invite ticket has been used up', { hint: NEW_INVITE_HINT })
    case 'REVOKED': return new TicketRevokedError('the invite ticket has been revoked', { hint: NEW_INVITE_HINT })
    case 'NOT_ADMIN':
    case 'INTERNAL':
      return new JoinRefusedError(r.code, `the join was refused (${r.code}): ${r.message}`, { exitCode: ExitCode.FAILURE, hint: 'try again when an admin of the room is online' })
    default:
      return new JoinRefusedError(r.code, `the join was refused (${r.code}): ${r.message}`)
  }
}

// ---------------------------------------------------------------- join

export interface JoinResult {
  /** The verified log, including the joiner's own Add entry. */
  log: MembershipLog
  role: RoleName
  /** The admin who admitted us. */
  admin: Uint8Array
  /** SenderKey bytes of the room's members (none for a POSTER). */
  senderKeys: Uint8Array[]
}

/** The two ends of the connection, as Noise authenticated them (libp2p peer id bytes). */
export interface ConnectionPeers { local: Uint8Array, remote: Uint8Array }

/**
 * The joiner's side: hello (proves the ticket, names nobody); challenge + log → proof (only to a
 * proven admin); welcome → log and sender keys. A refusal before the admin proved itself is final
 * only from the ticket's inviter (the connection's peer id is Noise-authenticated).
 */
export class JoinInitiator {
  readonly #ticket: Ticket
  readonly #memberKey: Ed25519PrivateKey
  readonly #name: string
  readonly #peers: ConnectionPeers
  readonly #steps = new Steps<'hello' | 'challenge' | 'log' | 'welcome' | 'bundle' | 'done'>('hello')
  #eph: X25519PrivateKey | undefined
  #helloBytes: Uint8Array = new Uint8Array(0)
  #th1: Uint8Array = new Uint8Array(0)
  #admin: Uint8Array = new Uint8Array(0)
  #channel: Channel | undefined
  #log: MembershipLog | undefined

  constructor (_components: Record<string, never>, options: { ticket: Ticket, memberKey: Ed25519PrivateKey, name: string, peers: ConnectionPeers }) {
    this.#ticket = options.ticket
    this.#memberKey = options.memberKey
    this.#name = options.name
    this.#peers = options.peers
  }

  get #fromInviter (): boolean { return equal(this.#peers.remote, this.#ticket.inviterPeerId) }

  #refused (r: w.JoinRefused): ConclaveError {
    return this.#fromInviter ? refusalError(r) : unverifiedRefusalError(r, 'that answered')
  }

  hello (): Uint8Array {
    return this.#steps.run('hello', 'challenge', () => {
      this.#eph = X25519PrivateKey.generate()
      const inviteKey = inviteKeyFromTicket(this.#ticket)
      const h = { roomId: this.#ticket.roomId, ephemeral: this.#eph.publicKey, inviteKey: inviteKey.publicKey }
      const inviteSignature = inviteKey.sign(w.joinHelloSigningInput(h, w.peerBinding(this.#peers.local, this.#peers.remote)))
      this.#helloBytes = w.encodeJoinHello({ version: w.HANDSHAKE_VERSION, ...h, inviteSignature })
      return w.encodeFrame({ type: 'join-hello', bytes: this.#helloBytes })
    })
  }

  /** Verifies the admin's signature over the transcript. Throws the refusal's error if refused. */
  onChallenge (frameBytes: Uint8Array): void {
    this.#steps.run('challenge', 'log', () => {
      const frame = readFrame(frameBytes, 'join-challenge', 'refused')
      if (frame.type === 'refused') throw this.#refused(parse(w.decodeJoinRefused, frame.bytes))
      const c = parse(w.decodeJoinChallenge, frame.bytes)
      const th1 = sha256(w.joinTranscriptInput(this.#helloBytes, c.member, c.ephemeral, w.peerBinding(this.#peers.local, this.#peers.remote)))
      if (!ed25519Verify(c.member, w.labelled(w.JOIN_LABELS.admin, th1), c.signature)) throw new HandshakeError("the admin's signature does not verify")
      this.#th1 = th1
      this.#admin = c.member
      const [toJoiner, toAdmin] = deriveKeys(this.#eph!, c.ephemeral, th1, w.JOIN_LABELS.keys)
      this.#channel = new Channel(toAdmin, toJoiner)
    })
  }

  /** The sealed log proves the signer is an admin of the ticket's room: only then do we say who we are. */
  onLog (frameBytes: Uint8Array): Uint8Array {
    return this.#steps.run('log', 'welcome', () => {
      const sealed = parse(w.decodeJoinWelcome, this.#channel!.open(w.JOIN_LABELS.log, readFrame(frameBytes, 'sealed').bytes))
      if (sealed.refused !== undefined) throw new HandshakeError('expected the log, got a refusal')
      const log = MembershipLog.verifyAndLoad(sealed.log, { roomId: this.#ticket.roomId })
      if (log.roleOf(this.#admin) !== 'admin') throw new HandshakeError('the peer that answered is not an admin of the room')
      const inviteKey = inviteKeyFromTicket(this.#ticket)
      if (log.invite(inviteKey.publicKey) === undefined) throw new HandshakeError("the admin's log does not hold this invite")
      const member = this.#memberKey.publicKey
      const peerId = this.#peers.local
      return w.encodeFrame({
        type: 'join-proof',
        bytes: w.encodeJoinProof({
          member,
          memberSignature: this.#memberKey.sign(w.joinProofSigningInput(this.#th1, peerId, this.#name)),
          inviteProof: signInviteUse(inviteKey, this.#ticket.roomId, member, peerId),
          name: this.#name,
          peerId
        })
      })
    })
  }

  /** Decrypts the welcome and verifies the log from genesis: the room must be the ticket's and contain our Add. A sealed refusal is final. */
  onWelcome (frameBytes: Uint8Array): JoinResult {
    return this.#steps.run('welcome', 'bundle', () => {
      const welcome = parse(w.decodeJoinWelcome, this.#channel!.open(w.JOIN_LABELS.welcome, readFrame(frameBytes, 'sealed').bytes))
      if (welcome.refused !== undefined) throw refusalError(parse(w.decodeJoinRefused, welcome.refused))
      const log = MembershipLog.verifyAndLoad(welcome.log, { roomId: this.#ticket.roomId })
      if (log.roleOf(this.#admin) !== 'admin') throw new HandshakeError('the peer that admitted us is not an admin of the room')
      const me = log.member(this.#memberKey.publicKey)
      if (me === undefined || !equal(me.peerId, this.#peers.local)) throw new HandshakeError('the welcome log does not contain our admission')
      this.#log = log
      return { log, role: me.role, admin: this.#admin, senderKeys: me.role === 'poster' ? [] : welcome.senderKeys }
    })
  }

  /** Our own sender key(s) for the admin, sealed: the last frame of the join. */
  bundle (senderKeys: Uint8Array[]): Uint8Array {
    return this.#steps.run('bundle', 'done', () => {
      const out = this.#channel!.seal(w.JOIN_LABELS.bundle, w.encodeKeyBundle({ logHeadSeq: this.#log!.head.seq, log: [], senderKeys }))
      this.#channel!.close()
      return out
    })
  }
}

export type AdmitDecision =
  | { admitted: true, addEntry: Uint8Array, member: Uint8Array, name: string, role: RoleName, peerId: Uint8Array }
  | { admitted: false, frame: Uint8Array, code: w.RefusalCode, message: string }

const STATUS_REFUSAL = {
  expired: ['EXPIRED', 'the invite has expired'],
  'used-up': ['USED_UP', 'the invite has been used up'],
  revoked: ['REVOKED', 'the invite has been revoked']
} as const

/** What every peer without a valid invite for one of our rooms hears, whatever the reason. */
export const GENERIC_JOIN_REFUSAL: w.JoinRefused = { code: 'UNKNOWN_INVITE', message: 'this peer cannot admit you with this invite' }

/**
 * An admin's side: hello → challenge + sealed log | refusal; proof → signed Add entry (the service
 * appends it) | sealed refusal; then the sealed welcome. The invite (known, signed for this
 * connection) is checked before anything that says whether we are in the room.
 */
export class JoinResponder {
  readonly #log: MembershipLog
  readonly #adminKey: Ed25519PrivateKey
  readonly #peers: ConnectionPeers
  readonly #now: () => number
  readonly #steps = new Steps<'hello' | 'proof' | 'welcome' | 'bundle' | 'done'>('hello')
  #hello: w.JoinHello | undefined
  #th1: Uint8Array = new Uint8Array(0)
  #channel: Channel | undefined
  #admitted: Extract<AdmitDecision, { admitted: true }> | undefined
  /** Set when this session refused the joiner. */
  refusal: { code: w.RefusalCode, message: string } | undefined

  constructor (components: { log: MembershipLog }, options: { adminKey: Ed25519PrivateKey, peers: ConnectionPeers, now?: () => number }) {
    this.#log = components.log
    this.#adminKey = options.adminKey
    this.#peers = options.peers
    this.#now = options.now ?? Date.now
  }

  #refuse (code: w.RefusalCode, message: string): Uint8Array {
    this.refusal = { code, message }
    return w.encodeFrame({ type: 'refused', bytes: w.encodeJoinRefused({ code, message }) })
  }

  /** A refusal after we proved ourselves: sealed, so the joiner knows it is ours and final. */
  #refuseSealed (code: w.RefusalCode, message: string): AdmitDecision {
    this.refusal = { code, message }
    const frame = this.#channel!.seal(w.JOIN_LABELS.welcome, w.encodeJoinWelcome({ log: [], senderKeys: [], refused: w.encodeJoinRefused({ code, message }) }))
    return { admitted: false, frame, code, message }
  }

  /** A hello for our room, signed by one of its invite keys for this connection; else undefined. */
  #validHello (frame: w.Frame): w.JoinHello | undefined {
    let hello: w.JoinHello
    try {
      hello = w.decodeJoinHello(frame.bytes)
    } catch (err) {
      if (err instanceof MalformedInputError) return undefined
      throw err
    }
    if (!equal(hello.roomId, this.#log.roomId) || this.#log.invite(hello.inviteKey) === undefined) return undefined
    const bind = w.peerBinding(this.#peers.remote, this.#peers.local)
    return ed25519Verify(hello.inviteKey, w.joinHelloSigningInput(hello, bind), hello.inviteSignature) ? hello : undefined
  }

  /** Why the joiner MEMBER cannot be admitted now, or undefined (the invite is known). */
  #check (inviteKey: Uint8Array, member?: Uint8Array): [w.RefusalCode, string] | undefined {
    const log = this.#log
    // The invite's status first: an inviter demoted since (its invites revoked) still says so,
    // and a refusal from the ticket's inviter is final for the joiner.
    const status = log.inviteStatus(inviteKey, this.#now())
    if (status === 'unknown') return [GENERIC_JOIN_REFUSAL.code, GENERIC_JOIN_REFUSAL.message]
    if (status !== 'ok') return [...STATUS_REFUSAL[status]]
    if (log.roleOf(this.#adminKey.publicKey) !== 'admin') return ['NOT_ADMIN', 'this member is not an admin of the room']
    if (member === undefined) return undefined
    if (log.isMember(member)) return ['ALREADY_MEMBER', 'you are already a member of the room']
    const removed = log.removedAt(member)
    if (removed !== undefined && log.invite(inviteKey)!.seq < removed) return ['REVOKED', 'you were removed from the room after this invite was issued']
    return undefined
  }

  /** [challenge, sealed log] for a valid hello; [refusal] otherwise. */
  onHello (frameBytes: Uint8Array): Uint8Array[] {
    return this.#steps.run('hello', 'proof', () => {
      let frame: w.Frame
      try {
        frame = readFrame(frameBytes, 'join-hello')
      } catch {
        return [this.#refuse(GENERIC_JOIN_REFUSAL.code, GENERIC_JOIN_REFUSAL.message)]
      }
      const hello = this.#validHello(frame)
      if (hello === undefined) return [this.#refuse(GENERIC_JOIN_REFUSAL.code, GENERIC_JOIN_REFUSAL.message)]
      const problem = this.#check(hello.inviteKey)
      if (problem !== undefined) return [this.#refuse(...problem)]
      this.#hello = hello
      const eph = X25519PrivateKey.generate()
      const member = this.#adminKey.publicKey
      this.#th1 = sha256(w.joinTranscriptInput(frame.bytes, member, eph.publicKey, w.peerBinding(this.#peers.remote, this.#peers.local)))
      const [toJoiner, toAdmin] = deriveKeys(eph, hello.ephemeral, this.#th1, w.JOIN_LABELS.keys)
      this.#channel = new Channel(toJoiner, toAdmin)
      const signature = this.#adminKey.sign(w.labelled(w.JOIN_LABELS.admin, this.#th1))
      return [
        w.encodeFrame({ type: 'join-challenge', bytes: w.encodeJoinChallenge({ member, ephemeral: eph.publicKey, signature }) }),
        this.#channel.seal(w.JOIN_LABELS.log, w.encodeJoinWelcome({ log: this.#log.toBytes(), senderKeys: [] }))
      ]
    })
  }

  /**
   * Verifies the joiner's signature and the invite-use proof, re-checks the invite against the
   * log as it is NOW, and returns the signed Add entry (append + broadcast it, then call welcome()).
   */
  onProof (frameBytes: Uint8Array): AdmitDecision {
    if (this.refusal !== undefined) throw new HandshakeError('handshake step out of order (the joiner was refused)')
    return this.#steps.run('proof', 'welcome', (): AdmitDecision => {
      const frame = readFrame(frameBytes, 'join-proof')
      const hello = this.#hello!
      let proof: w.JoinProof
      try {
        proof = w.decodeJoinProof(frame.bytes)
      } catch (err) {
        if (err instanceof MalformedInputError) return this.#refuseSealed('MALFORMED', err.message)
        throw err
      }
      if (!ed25519PublicKeyAcceptable(proof.member)) return this.#refuseSealed('MALFORMED', 'the member key is not a valid Ed25519 public key')
      if (!ed25519Verify(proof.member, w.joinProofSigningInput(this.#th1, proof.peerId, proof.name), proof.memberSignature)) return this.#refuseSealed('MALFORMED', "the member's signature does not verify")
      if (!verifyInviteUse(hello.inviteKey, this.#log.roomId, proof.member, proof.peerId, proof.inviteProof)) return this.#refuseSealed('MALFORMED', 'the invite proof does not verify')
      if (!equal(this.#peers.remote, proof.peerId)) return this.#refuseSealed('MALFORMED', 'the peer id does not match the connection')
      const problem = this.#check(hello.inviteKey, proof.member) // the log may have moved since the hello
      if (problem !== undefined) return this.#refuseSealed(...problem)
      const role = this.#log.invite(hello.inviteKey)!.role
      const addEntry = this.#log.createEntry(this.#adminKey, {
        type: 'add', member: proof.member, name: proof.name, role, peerId: proof.peerId, inviteKey: hello.inviteKey, inviteProof: proof.inviteProof
      }, this.#now())
      this.#admitted = { admitted: true, addEntry, member: proof.member, name: proof.name, role, peerId: proof.peerId }
      return this.#admitted
    })
  }

  /** The sealed welcome: the whole log (which must now hold the Add entry) and SENDERKEYS, dropped for a POSTER. */
  welcome (senderKeys: Uint8Array[]): Uint8Array {
    if (this.#admitted === undefined) throw new HandshakeError('handshake step out of order (the joiner was not admitted)')
    return this.#steps.run('welcome', 'bundle', () => {
      const admitted = this.#admitted!
      if (!this.#log.has(admitted.addEntry)) throw new HandshakeError('the Add entry must be appended to the log before the welcome')
      const body = w.encodeJoinWelcome({ log: this.#log.toBytes(), senderKeys: admitted.role === 'poster' ? [] : senderKeys })
      return this.#channel!.seal(w.JOIN_LABELS.welcome, body)
    })
  }

  /** The joiner's sealed sender keys. */
  onBundle (frameBytes: Uint8Array): { member: Uint8Array, senderKeys: Uint8Array[] } {
    return this.#steps.run('bundle', 'done', () => {
      const frame = readFrame(frameBytes, 'sealed')
      const bundle = parse(w.decodeKeyBundle, this.#channel!.open(w.JOIN_LABELS.bundle, frame.bytes))
      this.#channel!.close()
      return { member: this.#admitted!.member, senderKeys: bundle.senderKeys }
    })
  }
}

// ---------------------------------------------------------------- keys (member to member)

export interface KeysResult {
  /** The other member's public key, and its role after merging its log entries. */
  peer: Uint8Array
  role: RoleName
  /** The other member's SenderKey bytes. */
  senderKeys: Uint8Array[]
  /** How many log entries we learned from it (already merged into our log: persist it). */
  merged: number
  /** Entries of ours a concurrent branch won over (MembershipLog.merge): re-apply what is still valid. */
  dropped: Uint8Array[]
}

/**
 * A bundle carries the entries after the peer's head and this many before it: two logs of the
 * same length that forked (two admins at once) see the first differing entry and settle the fork.
 */
const FORK_LOOKBACK = 16

/** What a non-member, a removed member, a bad signature or an unknown room all hear. */
export const GENERIC_KEYS_REFUSAL: w.JoinRefused = { code: 'NOT_MEMBER', message: 'this peer does not exchange keys with you' }

interface KeysOptions {
  memberKey: Ed25519PrivateKey
  /** Our SenderKey bytes for the (authenticated) other member; never called for a POSTER. */
  senderKeysFor: (member: Uint8Array) => Uint8Array[]
  peers: ConnectionPeers
}

function mergeFrom (log: MembershipLog, entries: Uint8Array[]): { added: number, dropped: Uint8Array[] } {
  return entries.length === 0 ? { added: 0, dropped: [] } : log.merge(entries)
}

function entriesFor (log: MembershipLog, peerHeadSeq: number): Uint8Array[] {
  return log.entriesAfter(Math.max(0, Math.min(peerHeadSeq, log.head.seq) - FORK_LOOKBACK))
}

/** The dialling member: signed hello; reply → sealed bundle; bundle → result. */
export class KeysInitiator {
  readonly #log: MembershipLog
  readonly #opts: KeysOptions & { expectedPeer?: Uint8Array }
  readonly #steps = new Steps<'hello' | 'reply' | 'bundle' | 'done'>('hello')
  #eph: X25519PrivateKey | undefined
  #helloBytes: Uint8Array = new Uint8Array(0)
  #peer: Uint8Array = new Uint8Array(0)
  #channel: Channel | undefined

  constructor (components: { log: MembershipLog }, options: KeysOptions & { expectedPeer?: Uint8Array }) {
    this.#log = components.log
    this.#opts = options
  }

  hello (): Uint8Array {
    return this.#steps.run('hello', 'reply', () => {
      if (!this.#log.isMember(this.#opts.memberKey.publicKey)) throw new HandshakeError('we are not a member of this room')
      this.#eph = X25519PrivateKey.generate()
      const h = { roomId: this.#log.roomId, member: this.#opts.memberKey.publicKey, ephemeral: this.#eph.publicKey, logHeadSeq: this.#log.head.seq }
      const signature = this.#opts.memberKey.sign(w.keysHelloSigningInput(h, w.peerBinding(this.#opts.peers.local, this.#opts.peers.remote)))
      this.#helloBytes = w.encodeKeysHello({ version: w.HANDSHAKE_VERSION, ...h, signature })
      return w.encodeFrame({ type: 'keys-hello', bytes: this.#helloBytes })
    })
  }

  /** Authenticates the responder (a member per OUR log) and returns our sealed bundle. */
  onReply (frameBytes: Uint8Array): Uint8Array {
    return this.#steps.run('reply', 'bundle', () => {
      const frame = readFrame(frameBytes, 'keys-reply', 'refused')
      if (frame.type === 'refused') {
        const r = parse(w.decodeJoinRefused, frame.bytes)
        throw new HandshakeError(`the member refused the key exchange (${r.code}): ${r.message}`)
      }
      const reply = parse(w.decodeKeysReply, frame.bytes)
      const th1 = sha256(w.keysTranscriptInput(this.#helloBytes, reply.member, reply.ephemeral, reply.logHeadSeq))
      if (!ed25519Verify(reply.member, w.labelled(w.KEYS_LABELS.responder, th1), reply.signature)) throw new HandshakeError("the member's signature does not verify")
      if (this.#opts.expectedPeer !== undefined && !equal(this.#opts.expectedPeer, reply.member)) throw new HandshakeError('the peer is not the member we meant to reach')
      const role = this.#log.roleOf(reply.member)
      if (role === undefined) throw new HandshakeError('the peer is not a member of the room')
      this.#peer = reply.member
      const [toResponder, toInitiator] = deriveKeys(this.#eph!, reply.ephemeral, th1, w.KEYS_LABELS.keys)
      this.#channel = new Channel(toResponder, toInitiator)
      const bundle = w.encodeKeyBundle({
        logHeadSeq: this.#log.head.seq,
        log: entriesFor(this.#log, reply.logHeadSeq),
        senderKeys: role === 'poster' ? [] : this.#opts.senderKeysFor(reply.member)
      })
      return this.#channel.seal(w.KEYS_LABELS.bundle, bundle)
    })
  }

  onBundle (frameBytes: Uint8Array): KeysResult {
    return this.#steps.run('bundle', 'done', () => {
      const frame = readFrame(frameBytes, 'sealed')
      const bundle = parse(w.decodeKeyBundle, this.#channel!.open(w.KEYS_LABELS.bundle, frame.bytes))
      this.#channel!.close()
      const { added: merged, dropped } = mergeFrom(this.#log, bundle.log)
      const role = this.#log.roleOf(this.#peer)
      if (role === undefined) throw new HandshakeError('the peer is no longer a member of the room')
      return { peer: this.#peer, role, senderKeys: bundle.senderKeys, merged, dropped }
    })
  }
}

/**
 * The answering member: signed hello → reply | generic refusal; bundle → our sealed bundle +
 * result. The reply (our signature, our head) goes only to a current member per our log whose
 * hello is signed for this connection; a member we do not know yet is refused, and we run the
 * exchange with it ourselves once its Add reaches us (the log-growth relay round).
 */
export class KeysResponder {
  readonly #log: MembershipLog
  readonly #opts: KeysOptions
  readonly #steps = new Steps<'hello' | 'bundle' | 'done'>('hello')
  #hello: w.KeysHello | undefined
  #channel: Channel | undefined
  refusal: { code: w.RefusalCode, message: string } | undefined

  constructor (components: { log: MembershipLog }, options: KeysOptions) {
    this.#log = components.log
    this.#opts = options
  }

  #refuse (): Uint8Array {
    this.refusal = { ...GENERIC_KEYS_REFUSAL }
    return w.encodeFrame({ type: 'refused', bytes: w.encodeJoinRefused(GENERIC_KEYS_REFUSAL) })
  }

  /** A hello for our room from a current member, signed for this connection; else undefined. */
  #validHello (frameBytes: Uint8Array): { hello: w.KeysHello, bytes: Uint8Array } | undefined {
    try {
      const frame = readFrame(frameBytes, 'keys-hello')
      const hello = w.decodeKeysHello(frame.bytes)
      if (!equal(hello.roomId, this.#log.roomId) || this.#log.roleOf(hello.member) === undefined) return undefined
      const bind = w.peerBinding(this.#opts.peers.remote, this.#opts.peers.local)
      return ed25519Verify(hello.member, w.keysHelloSigningInput(hello, bind), hello.signature) ? { hello, bytes: frame.bytes } : undefined
    } catch (err) {
      if (err instanceof MalformedInputError || err instanceof HandshakeError) return undefined
      throw err
    }
  }

  onHello (frameBytes: Uint8Array): Uint8Array {
    return this.#steps.run('hello', 'bundle', () => {
      const valid = this.#validHello(frameBytes)
      if (valid === undefined) return this.#refuse()
      this.#hello = valid.hello
      const eph = X25519PrivateKey.generate()
      const member = this.#opts.memberKey.publicKey
      const logHeadSeq = this.#log.head.seq
      const th1 = sha256(w.keysTranscriptInput(valid.bytes, member, eph.publicKey, logHeadSeq))
      const [toResponder, toInitiator] = deriveKeys(eph, valid.hello.ephemeral, th1, w.KEYS_LABELS.keys)
      this.#channel = new Channel(toInitiator, toResponder)
      const signature = this.#opts.memberKey.sign(w.labelled(w.KEYS_LABELS.responder, th1))
      return w.encodeFrame({ type: 'keys-reply', bytes: w.encodeKeysReply({ member, ephemeral: eph.publicKey, signature, logHeadSeq }) })
    })
  }

  onBundle (frameBytes: Uint8Array): { frame: Uint8Array, result: KeysResult } {
    if (this.refusal !== undefined) throw new HandshakeError('handshake step out of order (the initiator was refused)')
    return this.#steps.run('bundle', 'done', () => {
      const frame = readFrame(frameBytes, 'sealed')
      const bundle = parse(w.decodeKeyBundle, this.#channel!.open(w.KEYS_LABELS.bundle, frame.bytes))
      const { added: merged, dropped } = mergeFrom(this.#log, bundle.log)
      const peer = this.#hello!.member
      const role = this.#log.roleOf(peer)
      if (role === undefined) throw new HandshakeError('the peer is not a member of the room')
      const reply = w.encodeKeyBundle({
        logHeadSeq: this.#log.head.seq,
        log: entriesFor(this.#log, bundle.logHeadSeq),
        senderKeys: role === 'poster' ? [] : this.#opts.senderKeysFor(peer)
      })
      const out = this.#channel!.seal(w.KEYS_LABELS.bundle, reply)
      this.#channel!.close()
      return { frame: out, result: { peer, role, senderKeys: bundle.senderKeys, merged, dropped } }
    })
  }
}
