// Membership-log wire format: Genesis / LogEntry / SignedLogEntry codecs with limits, labels, signing and hash inputs, topic names.
//
// Knows nothing about keys: the room layer hashes and signs the byte strings built here.
// Every decoder checks the size BEFORE decoding and every field after; failures are
// MalformedInputError with exact messages ('log entry: author must be 32 bytes, got 31').
import { concat, equals, toString as u8ToString } from 'uint8arrays'
import { MalformedInputError } from '../errors.js'
import * as pb from '../../topics/membership.js'

export const GENESIS_VERSION = 1
export const KEY_LENGTH = 32
export const SIGNATURE_LENGTH = 64
export const HASH_LENGTH = 32
export const GENESIS_NONCE_LENGTH = 16
/** Names (room, display) are 1..64 characters (code points), without control characters. */
export const NAME_MAX_CHARS = 64
export const REASON_MAX_CHARS = 256
/** libp2p peer ids are multihashes: 38 bytes for Ed25519; anything over this is not one. */
export const PEER_ID_MAX_BYTES = 128
export const GENESIS_MAX_BYTES = 1024
/** A SignedLogEntry, and so the LogEntry inside it, is at most this many bytes. */
export const LOG_ENTRY_MAX_BYTES = 4096
export const TOPIC_PREFIX = '/conclave/1/'

/** Domain-separation labels (ASCII, NUL-terminated, none a prefix of another). */
export const LABELS = {
  roomId: 'conclave room id v1\0',
  topic: 'conclave topic v1\0',
  log: 'conclave log v1\0',
  logHash: 'conclave log hash v1\0',
  inviteUse: 'conclave invite use v1\0'
} as const

export type RoleName = 'admin' | 'member' | 'poster'
export const ROLE_NAMES: readonly RoleName[] = ['admin', 'member', 'poster']

export interface Genesis {
  version: number
  creator: Uint8Array
  name: string
  nonce: Uint8Array
  createdMs: number
  creatorName: string
  creatorPeerId: Uint8Array
}

export type LogBody =
  | { type: 'genesis', bytes: Uint8Array, genesis: Genesis }
  | { type: 'invite', inviteKey: Uint8Array, role: RoleName, expiresMs: number, maxUses: number }
  | { type: 'add', member: Uint8Array, name: string, role: RoleName, peerId: Uint8Array, inviteKey: Uint8Array, inviteProof: Uint8Array }
  | { type: 'remove', member: Uint8Array, reason: string }
  | { type: 'set-role', member: Uint8Array, role: RoleName }
  | { type: 'revoke-invite', inviteKey: Uint8Array }
  | { type: 'rotate', epoch: number }

export interface LogEntry {
  roomId: Uint8Array
  seq: number
  /** Entry hash of the previous SignedLogEntry; empty for seq 0. */
  prev: Uint8Array
  author: Uint8Array
  tsMs: number
  body: LogBody
}

export interface SignedLogEntry {
  /** Exact LogEntry bytes (what the signature covers). */
  entry: Uint8Array
  signature: Uint8Array
}

// ---- shared field checks (also used by ticket.ts and handshake.ts) ----

const encoder = new TextEncoder()
/** The bytes of an ASCII label. */
export function labelBytes (label: string): Uint8Array {
  return encoder.encode(label)
}

/** A protons message namespace: decode with options, encode back. */
export interface Codec<T> {
  decode: (b: Uint8Array, opts?: any) => T
  encode: (v: T) => Uint8Array
}

/**
 * Decodes BYTES with CODEC after checking the size, and requires the canonical encoding (the one
 * protons writes: fields in order, defaults omitted, no unknown fields, right wire types), so each
 * message has exactly one byte form. Failures become MalformedInputError (or what FAIL builds).
 */
export function decodeLimited<T> (what: string, bytes: Uint8Array, maxBytes: number, codec: Codec<T>, limits?: Record<string, number>,
  fail: (message: string, cause?: unknown) => Error = (message, cause) => new MalformedInputError(message, { cause })): T {
  if (!(bytes instanceof Uint8Array)) throw fail(`${what}: expected bytes`)
  if (bytes.length > maxBytes) throw fail(`${what} is ${bytes.length} bytes, over the limit of ${maxBytes}`)
  let value: T
  try {
    value = codec.decode(bytes, limits === undefined ? undefined : { limits })
  } catch (cause) {
    throw fail(`${what} does not decode`, cause)
  }
  if (!equals(codec.encode(value), bytes)) throw fail(`${what} is not in canonical form`)
  return value
}

export function checkLength (what: string, field: string, value: Uint8Array, length: number): void {
  if (value.length !== length) throw new MalformedInputError(`${what}: ${field} must be ${length} bytes, got ${value.length}`)
}

export function checkMaxLength (what: string, field: string, value: Uint8Array, min: number, max: number): void {
  if (value.length < min || value.length > max) throw new MalformedInputError(`${what}: ${field} must be ${min}..${max} bytes, got ${value.length}`)
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** Problem with a name (room or display name), or undefined when it is acceptable. */
export function nameProblem (value: string, max = NAME_MAX_CHARS, min = 1): string | undefined {
  const chars = [...value].length
  if (chars < min || chars > max) return `must be ${min}..${max} characters, got ${chars}`
  if (CONTROL.test(value)) return 'contains control characters'
  return undefined
}

export function checkName (what: string, field: string, value: string, max = NAME_MAX_CHARS, min = 1): void {
  const problem = nameProblem(value, max, min)
  if (problem !== undefined) throw new MalformedInputError(`${what}: ${field} ${problem}`)
}

export function roleFromWire (what: string, role: pb.Role | string): RoleName {
  switch (role) {
    case 'ADMIN': return 'admin'
    case 'MEMBER': return 'member'
    case 'POSTER': return 'poster'
    default: throw new MalformedInputError(`${what}: role is missing`)
  }
}

export function roleToWire (role: RoleName): pb.Role {
  switch (role) {
    case 'admin': return pb.Role.ADMIN
    case 'member': return pb.Role.MEMBER
    case 'poster': return pb.Role.POSTER
    default: throw new MalformedInputError(`unknown role '${String(role)}'`)
  }
}

function checkTime (what: string, field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new MalformedInputError(`${what}: ${field} is not a time`)
}

type Ab = Uint8Array<ArrayBuffer>
const ab = (b: Uint8Array): Ab => b as Ab

// ---- Genesis ----

function checkGenesis (g: Genesis): void {
  const what = 'genesis'
  if (g.version !== GENESIS_VERSION) throw new MalformedInputError(`genesis: unsupported version ${g.version}`)
  checkLength(what, 'creator', g.creator, KEY_LENGTH)
  checkName(what, 'name', g.name)
  checkLength(what, 'nonce', g.nonce, GENESIS_NONCE_LENGTH)
  checkTime(what, 'created_ms', g.createdMs)
  checkName(what, 'creator_name', g.creatorName)
  checkMaxLength(what, 'creator_peer_id', g.creatorPeerId, 1, PEER_ID_MAX_BYTES)
}

export function encodeGenesis (g: Genesis): Uint8Array {
  checkGenesis(g)
  return pb.Genesis.encode({ ...g, creator: ab(g.creator), nonce: ab(g.nonce), creatorPeerId: ab(g.creatorPeerId) })
}

export function decodeGenesis (bytes: Uint8Array): Genesis {
  const g = decodeLimited('genesis', bytes, GENESIS_MAX_BYTES, pb.Genesis)
  checkGenesis(g)
  return g
}

// ---- LogEntry ----

function bodyToWire (body: LogBody): Partial<pb.LogEntry> {
  switch (body.type) {
    case 'genesis': return { genesis: ab(body.bytes) }
    case 'invite': return { invite: { inviteKey: ab(body.inviteKey), role: roleToWire(body.role), expiresMs: body.expiresMs, maxUses: body.maxUses } }
    case 'add': return { add: { member: ab(body.member), name: body.name, role: roleToWire(body.role), peerId: ab(body.peerId), inviteKey: ab(body.inviteKey), inviteProof: ab(body.inviteProof) } }
    case 'remove': return { remove: { member: ab(body.member), reason: body.reason } }
    case 'set-role': return { setRole: { member: ab(body.member), role: roleToWire(body.role) } }
    case 'revoke-invite': return { revokeInvite: { inviteKey: ab(body.inviteKey) } }
    case 'rotate': return { rotate: { epoch: body.epoch } }
  }
}

function bodyFromWire (e: pb.LogEntry): LogBody {
  const what = 'log entry'
  if (e.genesis !== undefined) return { type: 'genesis', bytes: e.genesis, genesis: decodeGenesis(e.genesis) }
  if (e.invite !== undefined) {
    const i = e.invite
    checkLength(what, 'invite_key', i.inviteKey, KEY_LENGTH)
    checkTime(what, 'expires_ms', i.expiresMs)
    if (i.maxUses < 1) throw new MalformedInputError('log entry: max_uses must be at least 1')
    return { type: 'invite', inviteKey: i.inviteKey, role: roleFromWire(what, i.role), expiresMs: i.expiresMs, maxUses: i.maxUses }
  }
  if (e.add !== undefined) {
    const a = e.add
    checkLength(what, 'member', a.member, KEY_LENGTH)
    checkName(what, 'name', a.name)
    checkMaxLength(what, 'peer_id', a.peerId, 1, PEER_ID_MAX_BYTES)
    checkLength(what, 'invite_key', a.inviteKey, KEY_LENGTH)
    checkLength(what, 'invite_proof', a.inviteProof, SIGNATURE_LENGTH)
    return { type: 'add', member: a.member, name: a.name, role: roleFromWire(what, a.role), peerId: a.peerId, inviteKey: a.inviteKey, inviteProof: a.inviteProof }
  }
  if (e.remove !== undefined) {
    checkLength(what, 'member', e.remove.member, KEY_LENGTH)
    checkName(what, 'reason', e.remove.reason, REASON_MAX_CHARS, 0)
    return { type: 'remove', member: e.remove.member, reason: e.remove.reason }
  }
  if (e.setRole !== undefined) {
    checkLength(what, 'member', e.setRole.member, KEY_LENGTH)
    return { type: 'set-role', member: e.setRole.member, role: roleFromWire(what, e.setRole.role) }
  }
  if (e.revokeInvite !== undefined) {
    checkLength(what, 'invite_key', e.revokeInvite.inviteKey, KEY_LENGTH)
    return { type: 'revoke-invite', inviteKey: e.revokeInvite.inviteKey }
  }
  if (e.rotate !== undefined) return { type: 'rotate', epoch: e.rotate.epoch }
  throw new MalformedInputError('log entry: body is missing')
}

function checkEntryHeader (e: { roomId: Uint8Array, seq: number, prev: Uint8Array, author: Uint8Array, tsMs: number }): void {
  const what = 'log entry'
  checkLength(what, 'room_id', e.roomId, HASH_LENGTH)
  if (!Number.isSafeInteger(e.seq) || e.seq < 0) throw new MalformedInputError('log entry: seq is not a count')
  checkLength(what, 'prev', e.prev, e.seq === 0 ? 0 : HASH_LENGTH)
  checkLength(what, 'author', e.author, KEY_LENGTH)
  checkTime(what, 'ts_ms', e.tsMs)
}

export function encodeLogEntry (e: LogEntry): Uint8Array {
  checkEntryHeader(e)
  const bytes = pb.LogEntry.encode({ roomId: ab(e.roomId), seq: e.seq, prev: ab(e.prev), author: ab(e.author), tsMs: e.tsMs, ...bodyToWire(e.body) })
  // room left for the 64-byte signature and the SignedLogEntry framing
  if (bytes.length > LOG_ENTRY_MAX_BYTES - SIGNATURE_LENGTH - 8) throw new MalformedInputError(`log entry is ${bytes.length} bytes, over the limit of ${LOG_ENTRY_MAX_BYTES - SIGNATURE_LENGTH - 8}`)
  return bytes
}

export function decodeLogEntry (bytes: Uint8Array): LogEntry {
  const e = decodeLimited('log entry', bytes, LOG_ENTRY_MAX_BYTES, pb.LogEntry)
  checkEntryHeader(e)
  return { roomId: e.roomId, seq: e.seq, prev: e.prev, author: e.author, tsMs: e.tsMs, body: bodyFromWire(e) }
}

// ---- SignedLogEntry ----

export function encodeSignedLogEntry (s: SignedLogEntry): Uint8Array {
  checkLength('signed log entry', 'signature', s.signature, SIGNATURE_LENGTH)
  const bytes = pb.SignedLogEntry.encode({ entry: ab(s.entry), signature: ab(s.signature) })
  if (bytes.length > LOG_ENTRY_MAX_BYTES) throw new MalformedInputError(`signed log entry is ${bytes.length} bytes, over the limit of ${LOG_ENTRY_MAX_BYTES}`)
  return bytes
}

export function decodeSignedLogEntry (bytes: Uint8Array): SignedLogEntry {
  const s = decodeLimited('signed log entry', bytes, LOG_ENTRY_MAX_BYTES, pb.SignedLogEntry)
  if (s.entry.length === 0) throw new MalformedInputError('signed log entry: entry is empty')
  checkLength('signed log entry', 'signature', s.signature, SIGNATURE_LENGTH)
  return { entry: s.entry, signature: s.signature }
}

// ---- what gets hashed and signed ----

/** Signed by LogEntry.author: "conclave log v1\0" ‖ exact LogEntry bytes. */
export function logSigningInput (entryBytes: Uint8Array): Uint8Array {
  return concat([labelBytes(LABELS.log), entryBytes])
}

/** Entry hash = H("conclave log hash v1\0" ‖ exact SignedLogEntry bytes). */
export function logHashInput (signedEntryBytes: Uint8Array): Uint8Array {
  return concat([labelBytes(LABELS.logHash), signedEntryBytes])
}

/** Room id = H("conclave room id v1\0" ‖ exact Genesis bytes). */
export function roomIdInput (genesisBytes: Uint8Array): Uint8Array {
  return concat([labelBytes(LABELS.roomId), genesisBytes])
}

/** Topic digest = H("conclave topic v1\0" ‖ room_id). */
export function topicInput (roomId: Uint8Array): Uint8Array {
  checkLength('topic', 'room_id', roomId, HASH_LENGTH)
  return concat([labelBytes(LABELS.topic), roomId])
}

/** "/conclave/1/" + lowercase base32 (no padding) of the topic digest. */
export function topicFromDigest (digest: Uint8Array): string {
  checkLength('topic', 'digest', digest, HASH_LENGTH)
  return TOPIC_PREFIX + u8ToString(digest, 'base32')
}

/** Signed by the invite key in Add.invite_proof: label ‖ room_id ‖ member ‖ peer_id. */
export function inviteUseInput (roomId: Uint8Array, member: Uint8Array, peerId: Uint8Array): Uint8Array {
  checkLength('invite use', 'room_id', roomId, HASH_LENGTH)
  checkLength('invite use', 'member', member, KEY_LENGTH)
  checkMaxLength('invite use', 'peer_id', peerId, 1, PEER_ID_MAX_BYTES)
  return concat([labelBytes(LABELS.inviteUse), roomId, member, peerId])
}
