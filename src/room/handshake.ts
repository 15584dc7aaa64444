// Join and member-to-member keys handshakes as pure state machines over frame bytes (no libp2p; the room service runs them on streams).
//
// Join:  J→M hello · M→J challenge | refused · J→M proof · M→J sealed welcome | refused · J→M sealed bundle
// Keys:  A→B hello · B→A reply | refused · A→B confirm + sealed bundle · B→A sealed bundle
// Each method takes the received frame bytes and returns the frame(s) to send; a method called
// out of order, a bad signature or a tampered frame throws HandshakeError and ends the session.
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

/** The error a joiner reports for an admin's refusal. */
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

/** The joiner's side: ticket + identity → hello; challenge → proof; welcome → log and sender keys. */
export class JoinInitiator {
  readonly #ticket: Ticket
  readonly #memberKey: Ed25519PrivateKey
  readonly #name: string
  readonly #peerId: Uint8Array
  readonly #steps = new Steps<'hello' | 'challenge' | 'welcome' | 'bundle' | 'done'>('hello')
  #eph: X25519PrivateKey | undefined
  #helloBytes: Uint8Array = new Uint8Array(0)
  #admin: Uint8Array = new Uint8Array(0)
  #channel: Channel | undefined
  #log: MembershipLog | undefined

  constructor (_components: Record<string, never>, options: { ticket: Ticket, memberKey: Ed25519PrivateKey, name: string, peerId: Uint8Array }) {
    this.#ticket = options.ticket
    this.#memberKey = options.memberKey
    this.#name = options.name
    this.#peerId = options.peerId
  }

  hello (): Uint8Array {
    return this.#steps.run('hello', 'challenge', () => {
      this.#eph = X25519PrivateKey.generate()
      this.#helloBytes = w.encodeJoinHello({
        version: w.HANDSHAKE_VERSION,
        roomId: this.#ticket.roomId,
        member: this.#memberKey.publicKey,
        ephemeral: this.#eph.publicKey,
        inviteKey: inviteKeyFromTicket(this.#ticket).publicKey
      })
      return w.encodeFrame({ type: 'join-hello', bytes: this.#helloBytes })
    })
  }

  /** Verifies the admin's challenge and answers with the proof. Throws the refusal's error if refused. */
  onChallenge (frameBytes: Uint8Array): Uint8Array {
    return this.#steps.run('challenge', 'welcome', () => {
      const frame = readFrame(frameBytes, 'join-challenge', 'refused')
      if (frame.type === 'refused') throw refusalError(parse(w.decodeJoinRefused, frame.bytes))
      const c = parse(w.decodeJoinChallenge, frame.bytes)
      const th1 = sha256(w.joinTranscriptInput(this.#helloBytes, c.member, c.ephemeral))
      if (!ed25519Verify(c.member, w.labelled(w.JOIN_LABELS.admin, th1), c.signature)) throw new HandshakeError("the admin's signature does not verify")
      this.#admin = c.member
      const [toJoiner, toAdmin] = deriveKeys(this.#eph!, c.ephemeral, th1, w.JOIN_LABELS.keys)
      this.#channel = new Channel(toAdmin, toJoiner)
      const inviteKey = inviteKeyFromTicket(this.#ticket)
      const member = this.#memberKey.publicKey
      return w.encodeFrame({
        type: 'join-proof',
        bytes: w.encodeJoinProof({
          memberSignature: this.#memberKey.sign(w.joinProofSigningInput(th1, this.#peerId, this.#name)),
          inviteSignature: inviteKey.sign(w.labelled(w.JOIN_LABELS.invite, th1)),
          inviteProof: signInviteUse(inviteKey, this.#ticket.roomId, member, this.#peerId),
          name: this.#name,
          peerId: this.#peerId
        })
      })
    })
  }

  /** Decrypts the welcome and verifies the log from genesis: the room must be the ticket's and contain our Add. */
  onWelcome (frameBytes: Uint8Array): JoinResult {
    return this.#steps.run('welcome', 'bundle', () => {
      const frame = readFrame(frameBytes, 'sealed', 'refused')
      if (frame.type === 'refused') throw refusalError(parse(w.decodeJoinRefused, frame.bytes))
      const welcome = parse(w.decodeJoinWelcome, this.#channel!.open(w.JOIN_LABELS.welcome, frame.bytes))
      const log = MembershipLog.verifyAndLoad(welcome.log, { roomId: this.#ticket.roomId })
      if (log.roleOf(this.#admin) !== 'admin') throw new HandshakeError('the peer that admitted us is not an admin of the room')
      const me = log.member(this.#memberKey.publicKey)
      if (me === undefined || !equal(me.peerId, this.#peerId)) throw new HandshakeError('the welcome log does not contain our admission')
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
  unknown: ['UNKNOWN_INVITE', 'the invite is not known in this room'],
  expired: ['EXPIRED', 'the invite has expired'],
  'used-up': ['USED_UP', 'the invite has been used up'],
  revoked: ['REVOKED', 'the invite has been revoked']
} as const

/** An admin's side: hello → challenge | refusal; proof → signed Add entry (service appends it); then the sealed welcome. */
export class JoinResponder {
  readonly #log: MembershipLog
  readonly #adminKey: Ed25519PrivateKey
  readonly #remotePeerId: Uint8Array | undefined
  readonly #now: () => number
  readonly #steps = new Steps<'hello' | 'proof' | 'welcome' | 'bundle' | 'done'>('hello')
  #hello: w.JoinHello | undefined
  #th1: Uint8Array = new Uint8Array(0)
  #channel: Channel | undefined
  #admitted: Extract<AdmitDecision, { admitted: true }> | undefined
  /** Set when this session refused the joiner. */
  refusal: { code: w.RefusalCode, message: string } | undefined

  constructor (components: { log: MembershipLog }, options: { adminKey: Ed25519PrivateKey, remotePeerId?: Uint8Array, now?: () => number }) {
    this.#log = components.log
    this.#adminKey = options.adminKey
    this.#remotePeerId = options.remotePeerId
    this.#now = options.now ?? Date.now
  }

  #refuse (code: w.RefusalCode, message: string): Uint8Array {
    this.refusal = { code, message }
    return w.encodeFrame({ type: 'refused', bytes: w.encodeJoinRefused({ code, message }) })
  }

  /** Why the joiner cannot be admitted now, or undefined. */
  #check (hello: w.JoinHello): [w.RefusalCode, string] | undefined {
    const log = this.#log
    if (!equal(hello.roomId, log.roomId)) return ['UNKNOWN_ROOM', 'this peer is not in that room']
    if (!ed25519PublicKeyAcceptable(hello.member)) return ['MALFORMED', 'the member key is not a valid Ed25519 public key']
    if (log.roleOf(this.#adminKey.publicKey) !== 'admin') return ['NOT_ADMIN', 'this member is not an admin of the room']
    if (log.isMember(hello.member)) return ['ALREADY_MEMBER', 'you are already a member of the room']
    const status = log.inviteStatus(hello.inviteKey, this.#now())
    if (status !== 'ok') return [...STATUS_REFUSAL[status]]
    const removed = log.removedAt(hello.member)
    if (removed !== undefined && log.invite(hello.inviteKey)!.seq < removed) return ['REVOKED', 'you were removed from the room after this invite was issued']
    return undefined
  }

  onHello (frameBytes: Uint8Array): Uint8Array {
    return this.#steps.run('hello', 'proof', () => {
      const frame = readFrame(frameBytes, 'join-hello')
      let hello: w.JoinHello
      try {
        hello = w.decodeJoinHello(frame.bytes)
      } catch (err) {
        if (err instanceof MalformedInputError) return this.#refuse('MALFORMED', err.message)
        throw err
      }
      const problem = this.#check(hello)
      if (problem !== undefined) return this.#refuse(...problem)
      this.#hello = hello
      const eph = X25519PrivateKey.generate()
      const member = this.#adminKey.publicKey
      this.#th1 = sha256(w.joinTranscriptInput(frame.bytes, member, eph.publicKey))
      const [toJoiner, toAdmin] = deriveKeys(eph, hello.ephemeral, this.#th1, w.JOIN_LABELS.keys)
      this.#channel = new Channel(toJoiner, toAdmin)
      const signature = this.#adminKey.sign(w.labelled(w.JOIN_LABELS.admin, this.#th1))
      return w.encodeFrame({ type: 'join-challenge', bytes: w.encodeJoinChallenge({ member, ephemeral: eph.publicKey, signature }) })
    })
  }

  /**
   * Verifies both transcript signatures and the invite-use proof, re-checks the invite against the
   * log as it is NOW, and returns the signed Add entry (append + broadcast it, then call welcome()).
   */
  onProof (frameBytes: Uint8Array): AdmitDecision {
    if (this.refusal !== undefined) throw new HandshakeError('handshake step out of order (the joiner was refused)')
    return this.#steps.run('proof', 'welcome', (): AdmitDecision => {
      const frame = readFrame(frameBytes, 'join-proof')
      const hello = this.#hello!
      const refuse = (code: w.RefusalCode, message: string): AdmitDecision => ({ admitted: false, frame: this.#refuse(code, message), code, message })
      let proof: w.JoinProof
      try {
        proof = w.decodeJoinProof(frame.bytes)
      } catch (err) {
        if (err instanceof MalformedInputError) return refuse('MALFORMED', err.message)
        throw err
      }
      if (!ed25519Verify(hello.member, w.joinProofSigningInput(this.#th1, proof.peerId, proof.name), proof.memberSignature)) return refuse('MALFORMED', "the member's signature does not verify")
      if (!ed25519Verify(hello.inviteKey, w.labelled(w.JOIN_LABELS.invite, this.#th1), proof.inviteSignature)) return refuse('MALFORMED', 'the invite signature does not verify')
      if (!verifyInviteUse(hello.inviteKey, this.#log.roomId, hello.member, proof.peerId, proof.inviteProof)) return refuse('MALFORMED', 'the invite proof does not verify')
      if (this.#remotePeerId !== undefined && !equal(this.#remotePeerId, proof.peerId)) return refuse('MALFORMED', 'the peer id does not match the connection')
      const problem = this.#check(hello) // the log may have moved since the hello
      if (problem !== undefined) return refuse(...problem)
      const role = this.#log.invite(hello.inviteKey)!.role
      const addEntry = this.#log.createEntry(this.#adminKey, {
        type: 'add', member: hello.member, name: proof.name, role, peerId: proof.peerId, inviteKey: hello.inviteKey, inviteProof: proof.inviteProof
      }, this.#now())
      this.#admitted = { admitted: true, addEntry, member: hello.member, name: proof.name, role, peerId: proof.peerId }
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

interface KeysOptions {
  memberKey: Ed25519PrivateKey
  /** Our SenderKey bytes to hand over; never sent to a POSTER. */
  senderKeys: Uint8Array[]
}

function mergeFrom (log: MembershipLog, entries: Uint8Array[]): { added: number, dropped: Uint8Array[] } {
  return entries.length === 0 ? { added: 0, dropped: [] } : log.merge(entries)
}

function entriesFor (log: MembershipLog, peerHeadSeq: number): Uint8Array[] {
  return log.entriesAfter(Math.max(0, Math.min(peerHeadSeq, log.head.seq) - FORK_LOOKBACK))
}

/** The dialling member: hello; reply → confirm + sealed bundle; bundle → result. */
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
      this.#helloBytes = w.encodeKeysHello({
        version: w.HANDSHAKE_VERSION, roomId: this.#log.roomId, member: this.#opts.memberKey.publicKey, ephemeral: this.#eph.publicKey, logHeadSeq: this.#log.head.seq
      })
      return w.encodeFrame({ type: 'keys-hello', bytes: this.#helloBytes })
    })
  }

  /** Authenticates the responder (a member per OUR log) and returns [confirm, sealed bundle]. */
  onReply (frameBytes: Uint8Array): Uint8Array[] {
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
      const confirm = w.encodeFrame({ type: 'keys-confirm', bytes: w.encodeKeysConfirm({ signature: this.#opts.memberKey.sign(w.labelled(w.KEYS_LABELS.initiator, th1)) }) })
      const bundle = w.encodeKeyBundle({
        logHeadSeq: this.#log.head.seq,
        log: entriesFor(this.#log, reply.logHeadSeq),
        senderKeys: role === 'poster' ? [] : this.#opts.senderKeys
      })
      return [confirm, this.#channel.seal(w.KEYS_LABELS.bundle, bundle)]
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
 * The answering member: hello → reply; confirm; bundle → our sealed bundle + result. An unknown
 * initiator is answered provisionally (it may have just joined and we lack its Add): it must be a
 * member once its bundle's log entries are merged, before we send anything secret.
 */
export class KeysResponder {
  readonly #log: MembershipLog
  readonly #opts: KeysOptions
  readonly #steps = new Steps<'hello' | 'confirm' | 'bundle' | 'done'>('hello')
  #hello: w.KeysHello | undefined
  #th1: Uint8Array = new Uint8Array(0)
  #channel: Channel | undefined
  refusal: { code: w.RefusalCode, message: string } | undefined

  constructor (components: { log: MembershipLog }, options: KeysOptions) {
    this.#log = components.log
    this.#opts = options
  }

  #refuse (code: w.RefusalCode, message: string): Uint8Array {
    this.refusal = { code, message }
    return w.encodeFrame({ type: 'refused', bytes: w.encodeJoinRefused({ code, message }) })
  }

  onHello (frameBytes: Uint8Array): Uint8Array {
    return this.#steps.run('hello', 'confirm', () => {
      const frame = readFrame(frameBytes, 'keys-hello')
      let hello: w.KeysHello
      try {
        hello = w.decodeKeysHello(frame.bytes)
      } catch (err) {
        if (err instanceof MalformedInputError) return this.#refuse('MALFORMED', err.message)
        throw err
      }
      if (!equal(hello.roomId, this.#log.roomId)) return this.#refuse('UNKNOWN_ROOM', 'this peer is not in that room')
      if (this.#log.isRevoked(hello.member)) return this.#refuse('REVOKED', 'you were removed from the room')
      this.#hello = hello
      const eph = X25519PrivateKey.generate()
      const member = this.#opts.memberKey.publicKey
      const logHeadSeq = this.#log.head.seq
      this.#th1 = sha256(w.keysTranscriptInput(frame.bytes, member, eph.publicKey, logHeadSeq))
      const [toResponder, toInitiator] = deriveKeys(eph, hello.ephemeral, this.#th1, w.KEYS_LABELS.keys)
      this.#channel = new Channel(toInitiator, toResponder)
      const signature = this.#opts.memberKey.sign(w.labelled(w.KEYS_LABELS.responder, this.#th1))
      return w.encodeFrame({ type: 'keys-reply', bytes: w.encodeKeysReply({ member, ephemeral: eph.publicKey, signature, logHeadSeq }) })
    })
  }

  onConfirm (frameBytes: Uint8Array): void {
    if (this.refusal !== undefined) throw new HandshakeError('handshake step out of order (the initiator was refused)')
    this.#steps.run('confirm', 'bundle', () => {
      const frame = readFrame(frameBytes, 'keys-confirm')
      const confirm = parse(w.decodeKeysConfirm, frame.bytes)
      if (!ed25519Verify(this.#hello!.member, w.labelled(w.KEYS_LABELS.initiator, this.#th1), confirm.signature)) throw new HandshakeError("the member's signature does not verify")
    })
  }

  onBundle (frameBytes: Uint8Array): { frame: Uint8Array, result: KeysResult } {
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
        senderKeys: role === 'poster' ? [] : this.#opts.senderKeys
      })
      const out = this.#channel!.seal(w.KEYS_LABELS.bundle, reply)
      this.#channel!.close()
      return { frame: out, result: { peer, role, senderKeys: bundle.senderKeys, merged, dropped } }
    })
  }
}
