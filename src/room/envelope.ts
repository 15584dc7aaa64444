// Sealing envelopes and the topic-validator pipeline of SPEC 3.7 (size → decode → version → room →
// membership → signature → replay → time → decrypt), a pure function returning a verdict and a reason.
import { aeadOpen, aeadSeal, ed25519Verify, sha256, wipe, type Ed25519PrivateKey } from '../crypto/index.js'
import { CryptoError, MalformedInputError } from '../errors.js'
import {
  ENVELOPE_MAX_BYTES, ENVELOPE_VERSION, aad, decodeEnvelope, encodeEnvelope, encodeHeader, messageIdInput, signingBytes,
  type DecodedEnvelope, type EnvelopeHeader
} from '../wire/envelope.js'
import { decodePayload, encodePayload, type DecodedPayload, type PayloadInput } from '../wire/payload.js'
import { topicFromDigest, topicHashInput } from '../wire/topic.js'
import { hex } from './ids.js'
import type { InboundSenderChain, MissingKeyReason, OutboundSenderChain } from './sender-keys.js'

/** The AEAD of every envelope (docs/PROTOCOL-messages.md). */
export const ENVELOPE_AEAD = 'chacha20-poly1305'
/** A header timestamp more than this ahead of our clock is rejected ('too-new'). */
export const MAX_CLOCK_SKEW_MS = 10 * 60 * 1000
/** A header timestamp older than this is rejected ('too-old'). */
export const MAX_MESSAGE_AGE_MS = 30 * 24 * 60 * 60 * 1000

export type Verdict = 'accept' | 'reject' | 'ignore'
/** Stable reason codes, one per step that can stop a message (counted per outcome by the room). */
export type ValidationReason =
  | 'ok'
  | 'too-large' | 'malformed' | 'bad-version' | 'wrong-room' // reject
  | 'non-member' | 'revoked' // reject
  | 'closed-epoch' // reject: an ended epoch, past its grace window or after the sender moved on
  | 'unknown-epoch' // ignore: the epoch after ours, from a member, validly signed (fetch the log)
  | 'epoch-too-far' // reject: more than one epoch ahead of our log
  | 'bad-signature' // reject
  | 'duplicate' // ignore: (sender, epoch, index) seen before
  | 'rate-limited' // ignore: the sender is far above a sane message rate (not relayed; counts against the forwarding peer)
  | 'too-old' | 'too-new' // reject
  | 'missing-keys' | 'key-expired' | 'gap-too-large' // ignore: no key for it (fetch keys / too late / too far ahead)
  | 'decrypt-failed' | 'bad-payload' // reject: signed by a member but does not open or decode
export type MemberStatus = 'member' | 'poster' | 'admin' | 'revoked' | 'unknown' | 'future-epoch' | 'epoch-too-far' | 'closed-epoch'

/**
 * What the validator may ask of the room; every function but `admit` must be side-effect free.
 * Senders are named by the lowercase hex of their member key, worked out once per envelope.
 */
export interface ValidationContext {
  /** The room whose topic the envelope arrived on. */
  roomId: Uint8Array
  /** The sender's standing at that epoch, from the membership log. */
  memberAt: (senderHex: string, epoch: number) => MemberStatus
  /** True when (sender, epoch, index) was accepted before (persisted across restarts). */
  seen: (senderHex: string, epoch: number, index: number) => boolean
  /** The sender's chain for that epoch, if we hold its key. */
  inboundChain: (senderHex: string, epoch: number) => InboundSenderChain | undefined
  /** Whether that chain came from a member other than its owner (then a failure to open is not the sender's fault). */
  relayedChain?: (senderHex: string, epoch: number) => boolean
  /** Takes one message from the sender's rate budget; false when it is spent (the one side effect). */
  admit?: (senderHex: string, nowMs: number) => boolean
  nowMs: number
}

export interface ValidationResult {
  verdict: Verdict
  reason: ValidationReason
  /** The message id, set once the signature has been verified (hashed when first read). */
  readonly id?: Uint8Array
  /** The decoded header, set once the version has been checked. */
  header?: EnvelopeHeader
  /** The sender's role, set once membership has been checked. */
  role?: 'member' | 'poster' | 'admin'
  /** Set on 'accept' only. */
  payload?: DecodedPayload
  /** Set on 'accept' only: the sender chain that yielded the key (its new state is what to persist). */
  chain?: InboundSenderChain
}

/** The gossipsub topic of a room: '/conclave/1/' + base32(SHA-256("conclave topic v1\0" ‖ room_id)). */
export function roomTopic (roomId: Uint8Array): string {
  return topicFromDigest(sha256(topicHashInput(roomId)))
}

/** The 32-byte message id: SHA-256("conclave message id v1\0" ‖ header ‖ ciphertext). */
export function messageId (headerBytes: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return sha256(messageIdInput(headerBytes, ciphertext))
}

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0

/**
 * A result past the signature check: it carries the message id, hashed when first read (a relay
 * forwards first). A class rather than a getter added per result: no closure per envelope.
 */
class VerifiedResult implements ValidationResult {
  readonly #env: DecodedEnvelope
  #id: Uint8Array | undefined
  payload?: DecodedPayload
  chain?: InboundSenderChain

  constructor (readonly verdict: Verdict, readonly reason: ValidationReason, env: DecodedEnvelope, readonly role: 'member' | 'poster' | 'admin') {
    this.#env = env
  }

  get header (): EnvelopeHeader { return this.#env.header }
  get id (): Uint8Array { return (this.#id ??= messageId(this.#env.headerBytes, this.#env.ciphertext)) }
}

export interface SealInput {
  roomId: Uint8Array
  epoch: number
  senderKey: Ed25519PrivateKey
  chain: OutboundSenderChain
  tsMs: number
  payload: PayloadInput
}

/**
 * Encrypts, signs and encodes one message, taking the chain's next key. The chain has moved on
 * when this returns: persist chain.toState() BEFORE publishing `bytes` — after a crash, a chain
 * restored from an older state would encrypt a different message under the same key and nonce.
 * Throws MalformedInputError (payload too large, bad field, chain of another room/epoch/sender).
 */
export function sealEnvelope (input: SealInput): { bytes: Uint8Array, id: Uint8Array, index: number } {
  const { roomId, epoch, senderKey, chain, tsMs } = input
  const sender = senderKey.publicKey
  if (!same(chain.roomId, roomId) || chain.epoch !== epoch || !same(chain.sender, sender)) {
    throw new MalformedInputError('the sender chain belongs to another room, epoch or sender')
  }
  const plaintext = encodePayload(input.payload) // before next(): a refused payload burns no index
  const mk = chain.next()
  try {
    const headerBytes = encodeHeader({ version: ENVELOPE_VERSION, roomId: roomId as Uint8Array<ArrayBuffer>, epoch, sender: sender as Uint8Array<ArrayBuffer>, index: mk.index, tsMs })
    const ciphertext = aeadSeal(ENVELOPE_AEAD, mk.key, mk.nonce, plaintext, aad(headerBytes))
    const signature = senderKey.sign(signingBytes(headerBytes, ciphertext))
    const bytes = encodeEnvelope({ headerBytes, ciphertext, signature })
    // the id is hashed when first read: a sender can publish before spending time on it
    let id: Uint8Array | undefined
    return { bytes, index: mk.index, get id () { return (id ??= messageId(headerBytes, ciphertext)) } }
  } finally {
    wipe(mk.key); wipe(mk.nonce); wipe(plaintext)
  }
}

const MISSING_KEY: Record<MissingKeyReason, ValidationReason> = {
  replay: 'duplicate',
  'before-start': 'missing-keys',
  expired: 'key-expired',
  'too-far': 'gap-too-large'
}

/**
 * The topic validator. Runs the steps of SPEC 3.7 in order and stops at the first that fails;
 * never decrypts before the membership and signature checks have passed. The only state it
 * changes is the inbound chain's (a key is handed out once, when the steps before decrypt passed);
 * recording (sender, epoch, index) as seen after 'accept' is the caller's job.
 */
export function validateEnvelope (bytes: Uint8Array, ctx: ValidationContext): ValidationResult {
  // 1. size, before anything parses the bytes
  if (!(bytes instanceof Uint8Array)) return { verdict: 'reject', reason: 'malformed' }
  if (bytes.length > ENVELOPE_MAX_BYTES) return { verdict: 'reject', reason: 'too-large' }
  // 2. decode (protobuf, canonical form, field lengths)
  let env: DecodedEnvelope
  try {
    env = decodeEnvelope(bytes)
  } catch (err) {
    if (err instanceof MalformedInputError) return { verdict: 'reject', reason: 'malformed' }
    throw err
  }
  const header = env.header
  // 3. version
  if (header.version !== ENVELOPE_VERSION) return { verdict: 'reject', reason: 'bad-version' }
  // 4. room binding: an envelope replayed from another room's topic
  if (!same(header.roomId, ctx.roomId)) return { verdict: 'reject', reason: 'wrong-room', header }
  // 5. membership at the envelope's epoch
  const sender = hex(header.sender)
  const status = ctx.memberAt(sender, header.epoch)
  if (status === 'epoch-too-far') return { verdict: 'reject', reason: 'epoch-too-far', header }
  if (status === 'revoked') return { verdict: 'reject', reason: 'revoked', header }
  if (status === 'closed-epoch') return { verdict: 'reject', reason: 'closed-epoch', header }
  const future = status === 'future-epoch'
  if (!future && status !== 'member' && status !== 'poster' && status !== 'admin') return { verdict: 'reject', reason: 'non-member', header }
  // 6. signature over the exact received header and ciphertext (for the next epoch too: junk
  // tagged with an epoch we do not know yet costs its sender, never only us)
  if (!ed25519Verify(header.sender, signingBytes(env.headerBytes, env.ciphertext), env.signature)) {
    return future ? { verdict: 'reject', reason: 'bad-signature', header } : { verdict: 'reject', reason: 'bad-signature', header, role: status }
  }
  if (future) return { verdict: 'ignore', reason: 'unknown-epoch', header }
  const role = status
  // From here on results carry the message id (VerifiedResult).
  // 7. replay, then the sender's rate (after the signature: only a member's own traffic spends its budget)
  if (ctx.seen(sender, header.epoch, header.index)) return new VerifiedResult('ignore', 'duplicate', env, role)
  if (ctx.admit !== undefined && !ctx.admit(sender, ctx.nowMs)) return new VerifiedResult('ignore', 'rate-limited', env, role)
  // 8. timestamp window
  if (header.tsMs > ctx.nowMs + MAX_CLOCK_SKEW_MS) return new VerifiedResult('reject', 'too-new', env, role)
  if (header.tsMs < ctx.nowMs - MAX_MESSAGE_AGE_MS) return new VerifiedResult('reject', 'too-old', env, role)
  // 9. decrypt: the sender chain's key for this index (handed out once), then the AEAD, then the payload
  const chain = ctx.inboundChain(sender, header.epoch)
  if (chain === undefined || !same(chain.roomId, header.roomId) || chain.epoch !== header.epoch || !same(chain.sender, header.sender)) {
    return new VerifiedResult('ignore', 'missing-keys', env, role)
  }
  const mk = chain.keyFor(header.index, ctx.nowMs)
  if (!mk.ok) return new VerifiedResult('ignore', MISSING_KEY[mk.reason], env, role)
  let plaintext: Uint8Array
  try {
    plaintext = aeadOpen(ENVELOPE_AEAD, mk.key, mk.nonce, env.ciphertext, aad(env.headerBytes))
  } catch (err) {
    // Under a chain someone relayed, a failure may be the relay's doing, not the sender's: IGNORE,
    // so an honest sender is not penalised for another member's forgery.
    if (err instanceof CryptoError) return new VerifiedResult(ctx.relayedChain?.(sender, header.epoch) === true ? 'ignore' : 'reject', 'decrypt-failed', env, role)
    throw err
  } finally {
    wipe(mk.key); wipe(mk.nonce)
  }
  let payload: DecodedPayload
  try {
    payload = decodePayload(plaintext)
  } catch (err) {
    if (err instanceof MalformedInputError) return new VerifiedResult('reject', 'bad-payload', env, role)
    throw err
  }
  const accepted = new VerifiedResult('accept', 'ok', env, role)
  accepted.payload = payload
  accepted.chain = chain
  return accepted
}
