// Handshake wire format: HandshakeFrame and the join / keys messages, limits, labels, transcript and nonce bytes.
//
// Frames travel length-prefixed on "/conclave/join/2.0.0" and "/conclave/keys/2.0.0"; the first
// frame of a stream (from a peer not yet authenticated) is at most FIRST_FRAME_MAX_BYTES, later
// ones at most 1 MiB, checked before decoding. Messages sit in the frame as exact bytes so transcripts
// hash what was received. Failures are MalformedInputError with exact messages.
import { concat } from 'uint8arrays'
import { MalformedInputError } from '../errors.js'
import * as pb from '../../topics/handshake.js'
import {
  HASH_LENGTH, KEY_LENGTH, LOG_ENTRY_MAX_BYTES, PEER_ID_MAX_BYTES, SIGNATURE_LENGTH,
  checkLength, checkMaxLength, checkName, decodeLimited, labelBytes
} from './membership.js'

export const JOIN_PROTOCOL = '/conclave/join/2.0.0'
export const KEYS_PROTOCOL = '/conclave/keys/2.0.0'
export const HANDSHAKE_VERSION = 2
export const FRAME_MAX_BYTES = 1024 * 1024
/** The first frame of either protocol (a hello, ~200 bytes) comes from a peer nobody vouched for yet. */
export const FIRST_FRAME_MAX_BYTES = 4096
export const X25519_PUBLIC_LENGTH = 32
/** Entries one frame may carry (1 MiB / 4 KiB entries would be 256; small entries are ~300 bytes). */
export const FRAME_LOG_ENTRIES_MAX = 8192
export const FRAME_SENDER_KEYS_MAX = 1024
export const SENDER_KEY_MAX_BYTES = 512
export const REFUSAL_MESSAGE_MAX_CHARS = 256

export const JOIN_LABELS = {
  transcript: 'conclave join v2\0',
  hello: 'conclave join hello v2\0',
  admin: 'conclave join admin v2\0',
  joiner: 'conclave join joiner v2\0',
  keys: 'conclave join keys v2\0',
  log: 'conclave join log v2\0',
  welcome: 'conclave join welcome v2\0',
  bundle: 'conclave join bundle v2\0'
} as const

export const KEYS_LABELS = {
  transcript: 'conclave keys v2\0',
  responder: 'conclave keys responder v2\0',
  initiator: 'conclave keys initiator v2\0',
  keys: 'conclave keys session v2\0',
  bundle: 'conclave keys bundle v2\0'
} as const

export type RefusalCode = 'MALFORMED' | 'UNKNOWN_ROOM' | 'UNKNOWN_INVITE' | 'EXPIRED' | 'USED_UP' | 'REVOKED' | 'NOT_ADMIN' | 'ALREADY_MEMBER' | 'INTERNAL' | 'NOT_MEMBER'

export type FrameType = 'join-hello' | 'join-challenge' | 'join-proof' | 'refused' | 'sealed' | 'keys-hello' | 'keys-reply'
export interface Frame { type: FrameType, bytes: Uint8Array }

const FIELDS: Record<FrameType, keyof pb.HandshakeFrame> = {
  'join-hello': 'joinHello',
  'join-challenge': 'joinChallenge',
  'join-proof': 'joinProof',
  refused: 'refused',
  sealed: 'sealed',
  'keys-hello': 'keysHello',
  'keys-reply': 'keysReply'
}

type Ab = Uint8Array<ArrayBuffer>
const ab = (b: Uint8Array): Ab => b as Ab

export function encodeFrame (frame: Frame): Uint8Array {
  const field = FIELDS[frame.type]
  if (field === undefined) throw new MalformedInputError(`unknown frame type '${String(frame.type)}'`)
  const bytes = pb.HandshakeFrame.encode({ [field]: ab(frame.bytes) })
  if (bytes.length > FRAME_MAX_BYTES) throw new MalformedInputError(`frame is ${bytes.length} bytes, over the limit of ${FRAME_MAX_BYTES}`)
  return bytes
}

export function decodeFrame (bytes: Uint8Array): Frame {
  const f = decodeLimited('frame', bytes, FRAME_MAX_BYTES, pb.HandshakeFrame)
  for (const [type, field] of Object.entries(FIELDS) as Array<[FrameType, keyof pb.HandshakeFrame]>) {
    const value = f[field]
    if (value !== undefined) return { type, bytes: value }
  }
  throw new MalformedInputError('frame: body is missing')
}

// ---- join ----

export interface JoinHello { version: number, roomId: Uint8Array, ephemeral: Uint8Array, inviteKey: Uint8Array, inviteSignature: Uint8Array }
export interface JoinChallenge { member: Uint8Array, ephemeral: Uint8Array, signature: Uint8Array }
export interface JoinProof { member: Uint8Array, memberSignature: Uint8Array, inviteProof: Uint8Array, name: string, peerId: Uint8Array }
export interface JoinRefused { code: RefusalCode, message: string }
/** The log (after the challenge), the admission (log + sender keys), or a refusal (`refused` set, lists empty). */
export interface JoinWelcome { log: Uint8Array[], senderKeys: Uint8Array[], refused?: Uint8Array }

function checkVersion (what: string, version: number): void {
  if (version !== HANDSHAKE_VERSION) throw new MalformedInputError(`${what}: unsupported version ${version}`)
}

function checkHello (h: JoinHello): void {
  checkVersion('join hello', h.version)
  checkLength('join hello', 'room_id', h.roomId, HASH_LENGTH)
  checkLength('join hello', 'ephemeral', h.ephemeral, X25519_PUBLIC_LENGTH)
  checkLength('join hello', 'invite_key', h.inviteKey, KEY_LENGTH)
  checkLength('join hello', 'invite_signature', h.inviteSignature, SIGNATURE_LENGTH)
}

export function encodeJoinHello (h: JoinHello): Uint8Array {
  checkHello(h)
  return pb.JoinHello.encode({ version: h.version, roomId: ab(h.roomId), ephemeral: ab(h.ephemeral), inviteKey: ab(h.inviteKey), inviteSignature: ab(h.inviteSignature) })
}

export function decodeJoinHello (bytes: Uint8Array): JoinHello {
  const h = decodeLimited('join hello', bytes, 1024, pb.JoinHello)
  checkHello(h)
  return h
}

function checkChallenge (what: string, c: { member: Uint8Array, ephemeral: Uint8Array, signature: Uint8Array }): void {
  checkLength(what, 'member', c.member, KEY_LENGTH)
  checkLength(what, 'ephemeral', c.ephemeral, X25519_PUBLIC_LENGTH)
  checkLength(what, 'signature', c.signature, SIGNATURE_LENGTH)
}

export function encodeJoinChallenge (c: JoinChallenge): Uint8Array {
  checkChallenge('join challenge', c)
  return pb.JoinChallenge.encode({ member: ab(c.member), ephemeral: ab(c.ephemeral), signature: ab(c.signature) })
}

export function decodeJoinChallenge (bytes: Uint8Array): JoinChallenge {
  const c = decodeLimited('join challenge', bytes, 1024, pb.JoinChallenge)
  checkChallenge('join challenge', c)
  return c
}

function checkProof (p: JoinProof): void {
  checkLength('join proof', 'member', p.member, KEY_LENGTH)
  checkLength('join proof', 'member_signature', p.memberSignature, SIGNATURE_LENGTH)
  checkLength('join proof', 'invite_proof', p.inviteProof, SIGNATURE_LENGTH)
  checkName('join proof', 'name', p.name)
  checkMaxLength('join proof', 'peer_id', p.peerId, 1, PEER_ID_MAX_BYTES)
}

export function encodeJoinProof (p: JoinProof): Uint8Array {
  checkProof(p)
  return pb.JoinProof.encode({ member: ab(p.member), memberSignature: ab(p.memberSignature), inviteProof: ab(p.inviteProof), name: p.name, peerId: ab(p.peerId) })
}

export function decodeJoinProof (bytes: Uint8Array): JoinProof {
  const p = decodeLimited('join proof', bytes, 2048, pb.JoinProof)
  checkProof(p)
  return p
}

function checkRefused (r: { code: string, message: string }): void {
  if (r.code === pb.RefusalCode.REFUSAL_UNSPECIFIED || !(r.code in pb.RefusalCode)) throw new MalformedInputError('join refused: code is missing')
  checkName('join refused', 'message', r.message, REFUSAL_MESSAGE_MAX_CHARS, 0)
}

export function encodeJoinRefused (r: JoinRefused): Uint8Array {
  checkRefused(r)
  return pb.JoinRefused.encode({ code: r.code as pb.RefusalCode, message: r.message })
}

export function decodeJoinRefused (bytes: Uint8Array): JoinRefused {
  const r = decodeLimited('join refused', bytes, 2048, pb.JoinRefused)
  checkRefused(r)
  return { code: r.code as RefusalCode, message: r.message }
}

function checkLists (what: string, log: Uint8Array[], senderKeys: Uint8Array[]): void {
  for (const e of log) checkMaxLength(what, 'log entry', e, 1, LOG_ENTRY_MAX_BYTES)
  for (const k of senderKeys) checkMaxLength(what, 'sender key', k, 1, SENDER_KEY_MAX_BYTES)
}

const LIST_LIMITS = { log: FRAME_LOG_ENTRIES_MAX, senderKeys: FRAME_SENDER_KEYS_MAX }

function checkWelcome (w: JoinWelcome): void {
  checkLists('join welcome', w.log, w.senderKeys)
  if (w.refused !== undefined) {
    if (w.log.length > 0 || w.senderKeys.length > 0) throw new MalformedInputError('join welcome: a refusal carries no log or keys')
    decodeJoinRefused(w.refused)
  } else if (w.log.length === 0) {
    throw new MalformedInputError('join welcome: log is empty')
  }
}

export function encodeJoinWelcome (w: JoinWelcome): Uint8Array {
  checkWelcome(w)
  return pb.JoinWelcome.encode({ log: w.log as Ab[], senderKeys: w.senderKeys as Ab[], ...(w.refused !== undefined ? { refused: ab(w.refused) } : {}) })
}

export function decodeJoinWelcome (bytes: Uint8Array): JoinWelcome {
  const w = decodeLimited('join welcome', bytes, FRAME_MAX_BYTES, pb.JoinWelcome, LIST_LIMITS)
  // proto3: an absent bytes field decodes as empty; an empty refusal is no refusal (checkRefused needs a code)
  const out: JoinWelcome = { log: w.log, senderKeys: w.senderKeys, ...(w.refused.length > 0 ? { refused: w.refused } : {}) }
  checkWelcome(out)
  return out
}

// ---- keys channel ----

export interface KeysHello { version: number, roomId: Uint8Array, member: Uint8Array, ephemeral: Uint8Array, logHeadSeq: number, signature: Uint8Array }
export interface KeysReply { member: Uint8Array, ephemeral: Uint8Array, signature: Uint8Array, logHeadSeq: number }
export interface KeyBundle { logHeadSeq: number, log: Uint8Array[], senderKeys: Uint8Array[] }

function checkSeq (what: string, seq: number): void {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new MalformedInputError(`${what}: log_head_seq is not a count`)
}

function checkKeysHello (h: KeysHello): void {
  checkVersion('keys hello', h.version)
  checkLength('keys hello', 'room_id', h.roomId, HASH_LENGTH)
  checkLength('keys hello', 'member', h.member, KEY_LENGTH)
  checkLength('keys hello', 'ephemeral', h.ephemeral, X25519_PUBLIC_LENGTH)
  checkSeq('keys hello', h.logHeadSeq)
  checkLength('keys hello', 'signature', h.signature, SIGNATURE_LENGTH)
}

export function encodeKeysHello (h: KeysHello): Uint8Array {
  checkKeysHello(h)
  return pb.KeysHello.encode({ version: h.version, roomId: ab(h.roomId), member: ab(h.member), ephemeral: ab(h.ephemeral), logHeadSeq: h.logHeadSeq, signature: ab(h.signature) })
}

export function decodeKeysHello (bytes: Uint8Array): KeysHello {
  const h = decodeLimited('keys hello', bytes, 1024, pb.KeysHello)
  checkKeysHello(h)
  return h
}

export function encodeKeysReply (r: KeysReply): Uint8Array {
  checkChallenge('keys reply', r)
  checkSeq('keys reply', r.logHeadSeq)
  return pb.KeysReply.encode({ member: ab(r.member), ephemeral: ab(r.ephemeral), signature: ab(r.signature), logHeadSeq: r.logHeadSeq })
}

export function decodeKeysReply (bytes: Uint8Array): KeysReply {
  const r = decodeLimited('keys reply', bytes, 1024, pb.KeysReply)
  checkChallenge('keys reply', r)
  checkSeq('keys reply', r.logHeadSeq)
  return r
}

export function encodeKeyBundle (k: KeyBundle): Uint8Array {
  checkSeq('key bundle', k.logHeadSeq)
  checkLists('key bundle', k.log, k.senderKeys)
  return pb.KeyBundle.encode({ logHeadSeq: k.logHeadSeq, log: k.log as Ab[], senderKeys: k.senderKeys as Ab[] })
}

export function decodeKeyBundle (bytes: Uint8Array): KeyBundle {
  const k = decodeLimited('key bundle', bytes, FRAME_MAX_BYTES, pb.KeyBundle, LIST_LIMITS)
  checkSeq('key bundle', k.logHeadSeq)
  checkLists('key bundle', k.log, k.senderKeys)
  return k
}

// ---- transcript, signing and nonce bytes ----

/**
 * bind: u8(len) ‖ initiator peer id ‖ u8(len) ‖ responder peer id, the two ends of the connection as
 * Noise authenticated them. Signed into both hellos, so a hello is good on that connection only: a
 * peer it was sent to cannot replay it to a member to obtain a signed answer.
 */
export function peerBinding (initiatorPeerId: Uint8Array, responderPeerId: Uint8Array): Uint8Array {
  checkMaxLength('peer binding', 'initiator', initiatorPeerId, 1, PEER_ID_MAX_BYTES)
  checkMaxLength('peer binding', 'responder', responderPeerId, 1, PEER_ID_MAX_BYTES)
  return concat([Uint8Array.of(initiatorPeerId.length), initiatorPeerId, Uint8Array.of(responderPeerId.length), responderPeerId])
}

/** What the invite key signs in a JoinHello: label ‖ room_id ‖ ephemeral ‖ invite_key ‖ bind. */
export function joinHelloSigningInput (h: Omit<JoinHello, 'version' | 'inviteSignature'>, bind: Uint8Array): Uint8Array {
  return concat([labelBytes(JOIN_LABELS.hello), h.roomId, h.ephemeral, h.inviteKey, bind])
}

/** th1 input of the join: "conclave join v2\0" ‖ exact JoinHello bytes ‖ admin member ‖ admin ephemeral ‖ bind. */
export function joinTranscriptInput (helloBytes: Uint8Array, adminMember: Uint8Array, adminEphemeral: Uint8Array, bind: Uint8Array): Uint8Array {
  checkLength('join transcript', 'member', adminMember, KEY_LENGTH)
  checkLength('join transcript', 'ephemeral', adminEphemeral, X25519_PUBLIC_LENGTH)
  return concat([labelBytes(JOIN_LABELS.transcript), helloBytes, adminMember, adminEphemeral, bind])
}

/** What the initiator signs in a KeysHello: label ‖ room_id ‖ member ‖ ephemeral ‖ u64be(log_head_seq) ‖ bind. */
export function keysHelloSigningInput (h: Omit<KeysHello, 'version' | 'signature'>, bind: Uint8Array): Uint8Array {
  const seq = new Uint8Array(8)
  new DataView(seq.buffer).setBigUint64(0, BigInt(h.logHeadSeq))
  return concat([labelBytes(KEYS_LABELS.initiator), h.roomId, h.member, h.ephemeral, seq, bind])
}

/** th1 input of the keys channel: label ‖ exact KeysHello bytes ‖ responder member ‖ ephemeral ‖ u64be(log_head_seq). */
export function keysTranscriptInput (helloBytes: Uint8Array, member: Uint8Array, ephemeral: Uint8Array, logHeadSeq: number): Uint8Array {
  checkLength('keys transcript', 'member', member, KEY_LENGTH)
  checkLength('keys transcript', 'ephemeral', ephemeral, X25519_PUBLIC_LENGTH)
  const seq = new Uint8Array(8)
  new DataView(seq.buffer).setBigUint64(0, BigInt(logHeadSeq))
  return concat([labelBytes(KEYS_LABELS.transcript), helloBytes, member, ephemeral, seq])
}

/**
 * What the joiner's member key signs in JoinProof: "conclave join joiner v2\0" ‖ th1 ‖
 * u32be(len(peer_id)) ‖ peer_id ‖ utf8(name) — so the name and peer id the admin writes into the
 * Add entry are the joiner's own, not a man in the middle's.
 */
export function joinProofSigningInput (th1: Uint8Array, peerId: Uint8Array, name: string): Uint8Array {
  checkLength('join proof', 'th1', th1, HASH_LENGTH)
  const len = new Uint8Array(4)
  new DataView(len.buffer).setUint32(0, peerId.length)
  return concat([labelBytes(JOIN_LABELS.joiner), th1, len, peerId, new TextEncoder().encode(name)])
}

/** label ‖ th: what each party signs, or the HKDF info / AEAD aad when th is empty. */
export function labelled (label: string, th: Uint8Array = new Uint8Array(0)): Uint8Array {
  return concat([labelBytes(label), th])
}

/** The 12-byte AEAD nonce of the COUNTER-th frame in one direction: u32be(0) ‖ u64be(counter). */
export function counterNonce (counter: number): Uint8Array {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new MalformedInputError(`"counter" expected a non-negative integer, got ${String(counter)}`)
  const nonce = new Uint8Array(12)
  new DataView(nonce.buffer).setBigUint64(4, BigInt(counter))
  return nonce
}
