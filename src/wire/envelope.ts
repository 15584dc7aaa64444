// Envelope codec: size and field limits around the generated protobuf, and the exact byte strings
// that are signed, bound as AEAD associated data and hashed into the message id (docs/PROTOCOL-messages.md).
import { equals } from 'uint8arrays'
import { Envelope, EnvelopeHeader, Receipt, SenderKey } from '../../topics/envelope.js'
import { MalformedInputError } from '../errors.js'
import { CanonicalReader, lengthDelimitedSize, putLengthDelimited, putVarint, varintLength } from './canonical.js'
import { PAYLOAD_BUCKETS } from './payload.js'

export const ENVELOPE_VERSION = 1
/** Largest envelope (gossipsub message data) accepted; checked before any decoding. */
export const ENVELOPE_MAX_BYTES = 65536
/** A header of any version is at most this long (a v1 header is at most 91 bytes). */
export const HEADER_MAX_BYTES = 256
export const ROOM_ID_LENGTH = 32
export const SENDER_LENGTH = 32
export const SIGNATURE_LENGTH = 64
/** The AEAD tag appended to the padded payload (ChaCha20-Poly1305). */
export const CIPHERTEXT_TAG_LENGTH = 16
/** Ciphertext lengths allowed: a payload bucket plus the tag (272, 1040, 4112, 16400, 61456). */
export const CIPHERTEXT_LENGTHS: readonly number[] = PAYLOAD_BUCKETS.map(b => b + CIPHERTEXT_TAG_LENGTH)
export const CIPHERTEXT_MAX_BYTES = CIPHERTEXT_LENGTHS[CIPHERTEXT_LENGTHS.length - 1]!
/** Chain indexes and epochs are uint32; ts_ms must be a safe integer. */
export const UINT32_MAX = 0xffffffff

/** Domain-separation labels (ASCII, NUL-terminated). */
export const ENVELOPE_SIGNATURE_LABEL = 'conclave envelope v1\0'
export const PAYLOAD_AAD_LABEL = 'conclave payload v1\0'
export const MESSAGE_ID_LABEL = 'conclave message id v1\0'
/** HKDF info turning a sender-chain message key into an AEAD key ‖ nonce. */
export const MESSAGE_KEY_LABEL = 'conclave message key v1\0'

export type { EnvelopeHeader, SenderKey } from '../../topics/envelope.js'

/** A SenderKey is at most 2+32 + 6 + 2+32 + 6 + 2+32 + 10 + 2+64 = 190 bytes. */
export const SENDER_KEY_MAX_BYTES = 192
/** Domain separation of the owner's signature over a SenderKey (see senderKeySigningInput). */
export const SENDER_KEY_LABEL = 'conclave sender key v1\0'
export const CHAIN_KEY_LENGTH = 32

/** An envelope split into its parts; `headerBytes` are the exact bytes received (what is signed). */
export interface DecodedEnvelope {
  headerBytes: Uint8Array
  header: EnvelopeHeader
  ciphertext: Uint8Array
  signature: Uint8Array
}

const encoder = new TextEncoder()
const SIGNATURE_LABEL_BYTES = encoder.encode(ENVELOPE_SIGNATURE_LABEL)
const AAD_LABEL_BYTES = encoder.encode(PAYLOAD_AAD_LABEL)
const ID_LABEL_BYTES = encoder.encode(MESSAGE_ID_LABEL)

function concat (parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

function checkLength (name: string, value: Uint8Array, length: number): void {
  if (value.length !== length) throw new MalformedInputError(`"${name}" expected ${length} bytes, got ${value.length}`)
}

function checkUint32 (name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
    throw new MalformedInputError(`"${name}" expected an integer between 0 and ${UINT32_MAX}, got ${String(value)}`)
  }
}

/** Field rules of a version-1 header (both when encoding and after decoding). */
function checkHeaderFields (h: EnvelopeHeader): void {
  if (h.version !== ENVELOPE_VERSION) throw new MalformedInputError(`"version" expected ${ENVELOPE_VERSION}, got ${String(h.version)}`)
  if (!(h.roomId instanceof Uint8Array)) throw new MalformedInputError('"roomId" expected Uint8Array')
  if (!(h.sender instanceof Uint8Array)) throw new MalformedInputError('"sender" expected Uint8Array')
  checkLength('room_id', h.roomId, ROOM_ID_LENGTH)
  checkLength('sender', h.sender, SENDER_LENGTH)
  checkUint32('epoch', h.epoch)
  checkUint32('index', h.index)
  if (!Number.isSafeInteger(h.tsMs) || h.tsMs < 0) throw new MalformedInputError(`"ts_ms" expected a safe non-negative integer, got ${String(h.tsMs)}`)
}

/** Bytes an optional varint field takes (none when 0: protobuf leaves defaults out). */
function optional (n: number): number { return n === 0 ? 0 : 1 + varintLength(n) }

/** The canonical bytes of a version-1 header. */
export function encodeHeader (header: EnvelopeHeader): Uint8Array {
  checkHeaderFields(header)
  // by hand, as protons writes it (fields in order, zeros left out): the tests compare the two
  const { roomId, epoch, sender, index, tsMs } = header
  const out = new Uint8Array(2 + lengthDelimitedSize(ROOM_ID_LENGTH) * 2 + optional(epoch) + optional(index) + optional(tsMs))
  out[0] = 0x08; out[1] = ENVELOPE_VERSION
  let at = putLengthDelimited(out, 2, 0x12, roomId)
  if (epoch !== 0) { out[at++] = 0x18; at = putVarint(out, at, epoch) }
  at = putLengthDelimited(out, at, 0x22, sender)
  if (index !== 0) { out[at++] = 0x28; at = putVarint(out, at, index) }
  if (tsMs !== 0) { out[at++] = 0x30; putVarint(out, at, tsMs) }
  return out
}

/** Encodes an envelope from its parts, with the same limits decodeEnvelope applies. */
export function encodeEnvelope (parts: { headerBytes: Uint8Array, ciphertext: Uint8Array, signature: Uint8Array }): Uint8Array {
  if (parts.headerBytes.length === 0 || parts.headerBytes.length > HEADER_MAX_BYTES) {
    throw new MalformedInputError(`the envelope header is ${parts.headerBytes.length} bytes, expected 1 to ${HEADER_MAX_BYTES}`)
  }
  if (!CIPHERTEXT_LENGTHS.includes(parts.ciphertext.length)) {
    throw new MalformedInputError(`the ciphertext is ${parts.ciphertext.length} bytes, expected one of ${CIPHERTEXT_LENGTHS.join(', ')}`)
  }
  checkLength('signature', parts.signature, SIGNATURE_LENGTH)
  const { headerBytes, ciphertext, signature } = parts
  const bytes = new Uint8Array(lengthDelimitedSize(headerBytes.length) + lengthDelimitedSize(ciphertext.length) + lengthDelimitedSize(SIGNATURE_LENGTH))
  putLengthDelimited(bytes, putLengthDelimited(bytes, putLengthDelimited(bytes, 0, 0x0a, headerBytes), 0x12, ciphertext), 0x1a, signature)
  if (bytes.length > ENVELOPE_MAX_BYTES) throw new MalformedInputError(`the envelope is ${bytes.length} bytes, more than ${ENVELOPE_MAX_BYTES}`)
  return bytes
}

/**
 * Decodes gossipsub message data into an envelope. In order: the length (before any parsing),
 * the protobuf, canonical encoding (re-encoding gives back the same bytes, so nobody but the
 * sender can produce a second spelling of an envelope), signature and ciphertext lengths, the
 * header protobuf. A header whose version is not 1 is returned as decoded, without its other
 * fields checked: the caller must check `header.version` next (validation reason 'bad-version').
 * A version-1 header must be canonical, with a 32-byte room id and sender.
 * Throws MalformedInputError; the returned byte fields are views into `bytes`.
 */
export function decodeEnvelope (bytes: Uint8Array): DecodedEnvelope {
  if (!(bytes instanceof Uint8Array)) throw new MalformedInputError('the envelope is not a byte array')
  if (bytes.length > ENVELOPE_MAX_BYTES) throw new MalformedInputError(`the envelope is ${bytes.length} bytes, more than ${ENVELOPE_MAX_BYTES}`)
  return decodeCanonicalEnvelope(bytes) ?? decodeEnvelopeGeneric(bytes)
}

/**
 * The fast path: a canonical version-1 envelope read in one pass (tags 1, 2, 3, then the header's
 * fields in order, every field within its limits). Undefined for anything else, which
 * decodeEnvelopeGeneric then accepts or refuses with the precise error.
 */
export function decodeCanonicalEnvelope (bytes: Uint8Array): DecodedEnvelope | undefined {
  const r = new CanonicalReader(bytes)
  if (!r.take(0x0a)) return undefined
  const headerBytes = r.lengthDelimited()
  if (headerBytes === undefined || headerBytes.length === 0 || headerBytes.length > HEADER_MAX_BYTES || !r.take(0x12)) return undefined
  const ciphertext = r.lengthDelimited()
  if (ciphertext === undefined || !CIPHERTEXT_LENGTHS.includes(ciphertext.length) || !r.take(0x1a)) return undefined
  const signature = r.lengthDelimited()
  if (signature === undefined || signature.length !== SIGNATURE_LENGTH || !r.done) return undefined
  const header = decodeCanonicalHeader(headerBytes)
  return header === undefined ? undefined : { headerBytes, header, ciphertext, signature }
}

/** version 1 ‖ room_id ‖ [epoch ≠ 0] ‖ sender ‖ [index ≠ 0] ‖ [ts_ms ≠ 0], each exactly as protons writes it. */
function decodeCanonicalHeader (bytes: Uint8Array): EnvelopeHeader | undefined {
  const r = new CanonicalReader(bytes)
  if (!r.take(0x08) || !r.take(ENVELOPE_VERSION) || !r.take(0x12)) return undefined
  const roomId = r.lengthDelimited()
  if (roomId === undefined || roomId.length !== ROOM_ID_LENGTH) return undefined
  const epoch = r.optionalUint32(0x18)
  if (epoch < 0 || !r.take(0x22)) return undefined
  const sender = r.lengthDelimited()
  if (sender === undefined || sender.length !== SENDER_LENGTH) return undefined
  const index = r.optionalUint32(0x28)
  const tsMs = r.optionalSafeInteger(0x30)
  if (index < 0 || tsMs < 0 || !r.done) return undefined
  return { version: ENVELOPE_VERSION, roomId: roomId as Uint8Array<ArrayBuffer>, epoch, sender: sender as Uint8Array<ArrayBuffer>, index, tsMs }
}

/** The generic path: protons decode, then re-encode and compare (canonical form), then the limits. */
export function decodeEnvelopeGeneric (bytes: Uint8Array): DecodedEnvelope {
  let env: Envelope
  try {
    env = Envelope.decode(bytes)
  } catch {
    throw new MalformedInputError('the envelope is not a valid protobuf')
  }
  if (!equals(Envelope.encode(env), bytes)) throw new MalformedInputError('the envelope is not canonically encoded')
  checkLength('signature', env.signature, SIGNATURE_LENGTH)
  if (!CIPHERTEXT_LENGTHS.includes(env.ciphertext.length)) {
    throw new MalformedInputError(`the ciphertext is ${env.ciphertext.length} bytes, expected one of ${CIPHERTEXT_LENGTHS.join(', ')}`)
  }
  if (env.header.length === 0 || env.header.length > HEADER_MAX_BYTES) {
    throw new MalformedInputError(`the envelope header is ${env.header.length} bytes, expected 1 to ${HEADER_MAX_BYTES}`)
  }
  let header: EnvelopeHeader
  try {
    header = EnvelopeHeader.decode(env.header)
  } catch {
    throw new MalformedInputError('the envelope header is not a valid protobuf')
  }
  const decoded = { headerBytes: env.header, header, ciphertext: env.ciphertext, signature: env.signature }
  if (header.version !== ENVELOPE_VERSION) return decoded
  checkHeaderFields(header)
  if (!equals(EnvelopeHeader.encode(header), env.header)) throw new MalformedInputError('the envelope header is not canonically encoded')
  return decoded
}

/** What the sender signs: ENVELOPE_SIGNATURE_LABEL ‖ u32be(len(header)) ‖ header ‖ ciphertext. */
export function signingBytes (headerBytes: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const len = new Uint8Array(4)
  new DataView(len.buffer).setUint32(0, headerBytes.length)
  return concat([SIGNATURE_LABEL_BYTES, len, headerBytes, ciphertext])
}

/** The AEAD's associated data: PAYLOAD_AAD_LABEL ‖ header (binds room, epoch, sender, index, time). */
export function aad (headerBytes: Uint8Array): Uint8Array {
  return concat([AAD_LABEL_BYTES, headerBytes])
}

/** What SHA-256 turns into the message id: MESSAGE_ID_LABEL ‖ header ‖ ciphertext. */
export function messageIdInput (headerBytes: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return concat([ID_LABEL_BYTES, headerBytes, ciphertext])
}

function checkSenderKeyFields (k: SenderKey): void {
  if (!(k.roomId instanceof Uint8Array) || !(k.sender instanceof Uint8Array) || !(k.chainKey instanceof Uint8Array)) {
    throw new MalformedInputError('a sender key needs room_id, sender and chain_key bytes')
  }
  checkLength('room_id', k.roomId, ROOM_ID_LENGTH)
  checkLength('sender', k.sender, SENDER_LENGTH)
  checkLength('chain_key', k.chainKey, CHAIN_KEY_LENGTH)
  checkUint32('epoch', k.epoch)
  checkUint32('index', k.index)
  if (!Number.isSafeInteger(k.signedMs) || k.signedMs < 0) throw new MalformedInputError('"signed_ms" is not a count')
  if (!(k.signature instanceof Uint8Array) || (k.signature.length !== 0 && k.signature.length !== 64)) throw new MalformedInputError('"signature" expected 0 or 64 bytes')
}

/**
 * What a SenderKey's owner signs: SENDER_KEY_LABEL ‖ room_id ‖ u32be(epoch) ‖ sender ‖ u32be(index)
 * ‖ CHAINKEYHASH (SHA-256 of chain_key, computed by the caller) ‖ u64be(signed_ms).
 */
export function senderKeySigningInput (k: Pick<SenderKey, 'roomId' | 'epoch' | 'sender' | 'index' | 'signedMs'>, chainKeyHash: Uint8Array): Uint8Array {
  const nums = new Uint8Array(16)
  const view = new DataView(nums.buffer)
  view.setUint32(0, k.epoch)
  view.setUint32(4, k.index)
  view.setBigUint64(8, BigInt(k.signedMs))
  return concat([encoder.encode(SENDER_KEY_LABEL), k.roomId, nums.subarray(0, 4), k.sender, nums.subarray(4, 8), chainKeyHash, nums.subarray(8)])
}

/** The bytes of a SenderKey (as carried in JoinWelcome / KeyBundle `sender_keys`). */
export function encodeSenderKey (key: SenderKey): Uint8Array {
  checkSenderKeyFields(key)
  return SenderKey.encode(key)
}

/** Decodes a SenderKey: at most SENDER_KEY_MAX_BYTES, canonical, 32-byte room_id / sender / chain_key. */
export function decodeSenderKey (bytes: Uint8Array): SenderKey {
  if (!(bytes instanceof Uint8Array)) throw new MalformedInputError('the sender key is not a byte array')
  if (bytes.length > SENDER_KEY_MAX_BYTES) throw new MalformedInputError(`the sender key is ${bytes.length} bytes, more than ${SENDER_KEY_MAX_BYTES}`)
  let key: SenderKey
  try {
    key = SenderKey.decode(bytes)
  } catch {
    throw new MalformedInputError('the sender key is not a valid protobuf')
  }
  checkSenderKeyFields(key)
  if (!equals(SenderKey.encode(key), bytes)) throw new MalformedInputError('the sender key is not canonically encoded')
  return key
}

// ---------------------------------------------------------------- delivery receipts

export const RECEIPT_PROTOCOL = '/conclave/receipt/1.0.0'
export const RECEIPT_LABEL = 'conclave receipt v1\0'
export const RECEIPT_MAX_BYTES = 200
export { Receipt }

/** The bytes a receiving member signs: label ‖ room_id ‖ message_id. */
export function receiptSigningBytes (roomId: Uint8Array, messageId: Uint8Array): Uint8Array {
  const label = new TextEncoder().encode(RECEIPT_LABEL)
  const out = new Uint8Array(label.length + roomId.length + messageId.length)
  out.set(label, 0); out.set(roomId, label.length); out.set(messageId, label.length + roomId.length)
  return out
}

export function encodeReceipt (r: Receipt): Uint8Array {
  return Receipt.encode(r)
}

/** Decodes a receipt: at most RECEIPT_MAX_BYTES, canonical, 32-byte ids and member, 64-byte signature. */
export function decodeReceipt (bytes: Uint8Array): Receipt {
  if (bytes.length > RECEIPT_MAX_BYTES) throw new MalformedInputError(`the receipt is ${bytes.length} bytes, more than ${RECEIPT_MAX_BYTES}`)
  let r: Receipt
  try {
    r = Receipt.decode(bytes)
  } catch {
    throw new MalformedInputError('the receipt is not a valid protobuf')
  }
  if (r.roomId.length !== ROOM_ID_LENGTH || r.messageId.length !== 32 || r.member.length !== SENDER_LENGTH || r.signature.length !== SIGNATURE_LENGTH) {
    throw new MalformedInputError('the receipt has a field of the wrong length')
  }
  if (!equals(Receipt.encode(r), bytes)) throw new MalformedInputError('the receipt is not canonically encoded')
  return r
}
