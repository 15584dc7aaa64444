// Payload codec: the AEAD plaintext inside an envelope (a message or a log entry), padded to size
// buckets, with field limits checked on both encode and decode (docs/PROTOCOL-messages.md).
import { equals } from 'uint8arrays'
import { Payload, type Message } from '../../topics/envelope.js'
import { TEXT_MAX_BYTES } from '../config.js'
import { MalformedInputError } from '../errors.js'
import { CanonicalReader, lengthDelimitedSize, putLengthDelimited, putVarint, varintLength } from './canonical.js'

/** Padded payload sizes: the encoded payload is padded to the smallest bucket that fits. */
export const PAYLOAD_BUCKETS: readonly number[] = [256, 1024, 4096, 16384, 61440]
export const PAYLOAD_MAX_BYTES = PAYLOAD_BUCKETS[PAYLOAD_BUCKETS.length - 1]!
/** The largest message text (one source: the CLI checks `--whole` input against it before starting). */
export { TEXT_MAX_BYTES }
export const TITLE_MAX_BYTES = 256
export const TAG_MAX_BYTES = 64
export const TAGS_MAX = 16
/** A batch of lines is bounded by the payload size anyway; this caps the array allocation. */
export const LINES_MAX = 10000
export const LINE_MAX_BYTES = TEXT_MAX_BYTES
export const PRIORITY_MAX = 5
/** Priority 0 on the wire means this. */
export const DEFAULT_PRIORITY = 3
/** Padding entries: one, or two where one cannot fill the gap exactly (a varint length boundary). */
const PADDING_ENTRIES_MAX = 2
/** Field 15, wire type 2 (length-delimited). */
const PADDING_TAG = (15 << 3) | 2

export type { Message } from '../../topics/envelope.js'

/** What a sender puts in a payload; omitted fields are empty. */
export interface MessageInput {
  text?: string
  title?: string
  priority?: number
  tags?: string[]
  lines?: string[]
  /** Ask members for signed delivery receipts (`send --wait`). */
  wantReceipts?: boolean
}
export type PayloadInput = { message: MessageInput } | { logEntry: Uint8Array }
export type DecodedPayload = { type: 'message', message: Message } | { type: 'log-entry', logEntry: Uint8Array }

const encoder = new TextEncoder()
// C0 and C1 controls, DEL, and the Unicode line/paragraph separators: never in titles or tags
// (they end up in terminal lines and in environment variables of `listen --exec`).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** Checks a string field and returns its UTF-8 bytes. */
function checkString (name: string, value: unknown, maxBytes: number, noControls: boolean): Uint8Array {
  if (typeof value !== 'string') throw new MalformedInputError(`"${name}" expected a string, got ${typeof value}`)
  // A lone surrogate does not survive UTF-8 (it would decode as U+FFFD): refuse it up front.
  if (!value.isWellFormed()) throw new MalformedInputError(`"${name}" is not valid Unicode`)
  const bytes = encoder.encode(value)
  if (bytes.length > maxBytes) throw new MalformedInputError(`"${name}" is ${bytes.length} bytes, more than ${maxBytes}`)
  if (noControls && CONTROL.test(value)) throw new MalformedInputError(`"${name}" contains control characters`)
  return bytes
}

/** A Message that passed checkMessage's rules, with the UTF-8 bytes of its strings. */
interface CheckedMessage { message: Message, text: Uint8Array, title: Uint8Array, tags: Uint8Array[], lines: Uint8Array[] }

function checkFields (m: MessageInput): CheckedMessage {
  const message: Message = {
    text: m.text ?? '',
    title: m.title ?? '',
    priority: m.priority ?? 0,
    tags: m.tags ?? [],
    lines: m.lines ?? [],
    wantReceipts: m.wantReceipts ?? false
  }
  const text = checkString('text', message.text, TEXT_MAX_BYTES, false)
  const title = checkString('title', message.title, TITLE_MAX_BYTES, true)
  if (!Number.isInteger(message.priority) || message.priority < 0 || message.priority > PRIORITY_MAX) {
    throw new MalformedInputError(`"priority" expected an integer between 0 and ${PRIORITY_MAX}, got ${String(message.priority)}`)
  }
  if (!Array.isArray(message.tags) || message.tags.length > TAGS_MAX) throw new MalformedInputError(`"tags" expected at most ${TAGS_MAX} tags`)
  const tags = message.tags.map(tag => {
    const bytes = checkString('tag', tag, TAG_MAX_BYTES, true)
    if (tag.length === 0) throw new MalformedInputError('"tag" is empty')
    return bytes
  })
  if (!Array.isArray(message.lines) || message.lines.length > LINES_MAX) throw new MalformedInputError(`"lines" expected at most ${LINES_MAX} lines`)
  const lines = message.lines.map(line => checkString('line', line, LINE_MAX_BYTES, false))
  if (typeof message.wantReceipts !== 'boolean') throw new MalformedInputError(`"wantReceipts" expected a boolean, got ${typeof message.wantReceipts}`)
  return { message, text, title, tags, lines }
}

/** The field rules of a Message; throws MalformedInputError naming the first broken one. */
function checkMessage (m: MessageInput): Message {
  return checkFields(m).message
}

/** Bytes the Message protobuf of M takes (see writeMessage). */
function messageSize ({ message, text, title, tags, lines }: CheckedMessage): number {
  let n = (text.length > 0 ? lengthDelimitedSize(text.length) : 0) + (title.length > 0 ? lengthDelimitedSize(title.length) : 0)
  if (message.priority !== 0) n += 1 + varintLength(message.priority)
  for (const t of tags) n += lengthDelimitedSize(t.length)
  for (const l of lines) n += lengthDelimitedSize(l.length)
  if (message.wantReceipts) n += 2
  return n
}

/**
 * Writes the Message protobuf as protons writes it (fields in number order, defaults left out;
 * the tests compare the two) into OUT at AT; returns the position after it.
 */
function writeMessage ({ message, text, title, tags, lines }: CheckedMessage, out: Uint8Array, at: number): number {
  if (text.length > 0) at = putLengthDelimited(out, at, 0x0a, text)
  if (title.length > 0) at = putLengthDelimited(out, at, 0x12, title)
  if (message.priority !== 0) { out[at++] = 0x18; at = putVarint(out, at, message.priority) }
  for (const t of tags) at = putLengthDelimited(out, at, 0x22, t)
  for (const l of lines) at = putLengthDelimited(out, at, 0x2a, l)
  if (message.wantReceipts) { out[at++] = 0x30; out[at++] = 0x01 }
  return at
}

/** Bytes one padding entry of n zero bytes takes: tag ‖ varint(n) ‖ n bytes. */
const entrySize = lengthDelimitedSize

/** The data length of one padding entry that takes exactly G bytes, if there is one. */
function singleEntry (g: number): number | undefined {
  for (let v = 1; v <= 3; v++) {
    const n = g - 1 - v
    if (n >= 0 && entrySize(n) === g) return n
  }
  return undefined
}

/** Data lengths of padding entries that take exactly `gap` bytes, or undefined (gap 1 cannot be filled). */
function paddingEntries (gap: number): number[] | undefined {
  if (gap === 0) return []
  if (gap === 1) return undefined
  const one = singleEntry(gap)
  if (one !== undefined) return [one]
  // gap = 130 or 16387: the length varint grows by a byte exactly there; an empty entry (2 bytes) first
  const rest = singleEntry(gap - 2)
  return rest === undefined ? undefined : [0, rest]
}

/** The bucket for an encoded (unpadded) payload of LENGTH bytes and the padding entries that fill it. */
function padding (length: number): { bucket: number, entries: number[] } | undefined {
  for (const bucket of PAYLOAD_BUCKETS) {
    const entries = bucket >= length ? paddingEntries(bucket - length) : undefined
    if (entries !== undefined) return { bucket, entries }
  }
  return undefined
}

/** The padded length for an encoded (unpadded) payload of `length` bytes, or undefined when too large. */
export function paddedLength (length: number): number | undefined {
  return padding(length)?.bucket
}

/** Encodes and pads a payload to its bucket; throws MalformedInputError on a broken field or when too large. */
export function encodePayload (input: PayloadInput): Uint8Array {
  let message: CheckedMessage | undefined
  let logEntry: Uint8Array | undefined
  if ('message' in input && input.message !== undefined) {
    message = checkFields(input.message)
  } else if ('logEntry' in input && input.logEntry instanceof Uint8Array) {
    if (input.logEntry.length === 0) throw new MalformedInputError('"logEntry" is empty')
    logEntry = input.logEntry
  } else {
    throw new MalformedInputError('a payload needs a message or a log entry')
  }
  const bodyLength = message !== undefined ? messageSize(message) : logEntry!.length
  const unpadded = lengthDelimitedSize(bodyLength)
  const pad = padding(unpadded)
  if (pad === undefined) throw new MalformedInputError(`the payload is ${unpadded} bytes, more than fits in ${PAYLOAD_MAX_BYTES}`)
  const bucket = pad.bucket
  // The body, then the padding entries (field 15, zeros): the bytes Payload.encode would write.
  const out = new Uint8Array(bucket)
  let at: number
  if (message !== undefined) {
    out[0] = 0x0a
    at = writeMessage(message, out, putVarint(out, 1, bodyLength))
  } else {
    at = putLengthDelimited(out, 0, 0x12, logEntry!)
  }
  for (const n of pad.entries) {
    out[at++] = PADDING_TAG
    at = putVarint(out, at, n) + n
  }
  if (at !== bucket) throw new Error(`padding arithmetic is wrong: ${at} != ${bucket}`)
  return out
}

/**
 * Decodes a padded payload: the length must be a bucket, the protobuf canonical (this also
 * refuses invalid UTF-8, which would decode to U+FFFD), exactly one body, and the message
 * fields within their limits. Throws MalformedInputError.
 */
export function decodePayload (bytes: Uint8Array): DecodedPayload {
  if (!(bytes instanceof Uint8Array)) throw new MalformedInputError('the payload is not a byte array')
  if (!PAYLOAD_BUCKETS.includes(bytes.length)) {
    throw new MalformedInputError(`the payload is ${bytes.length} bytes, expected one of ${PAYLOAD_BUCKETS.join(', ')}`)
  }
  return decodeCanonicalPayload(bytes) ?? decodePayloadGeneric(bytes)
}

/**
 * The fast path: a canonical message payload read in one pass (message fields in number order,
 * each within its limits, then at most two padding entries). Undefined for anything else — log
 * entries included — which decodePayloadGeneric then accepts or refuses with the precise error.
 */
export function decodeCanonicalPayload (bytes: Uint8Array): DecodedPayload | undefined {
  const r = new CanonicalReader(bytes)
  if (!r.take(0x0a)) return undefined
  const body = r.lengthDelimited()
  const message = body === undefined ? undefined : decodeCanonicalMessage(body)
  if (message === undefined) return undefined
  for (let entries = 0; !r.done; entries++) {
    if (entries === PADDING_ENTRIES_MAX || !r.take(PADDING_TAG) || r.lengthDelimited() === undefined) return undefined
  }
  return { type: 'message', message }
}

/** A Message as protons writes it (defaults left out), with checkMessage's rules applied. */
function decodeCanonicalMessage (bytes: Uint8Array): Message | undefined {
  const r = new CanonicalReader(bytes)
  let text = ''
  if (r.take(0x0a)) {
    const s = r.string()
    if (s === undefined || s.byteLength === 0 || s.byteLength > TEXT_MAX_BYTES) return undefined
    text = s.value
  }
  let title = ''
  if (r.take(0x12)) {
    const s = r.string()
    if (s === undefined || s.byteLength === 0 || s.byteLength > TITLE_MAX_BYTES || CONTROL.test(s.value)) return undefined
    title = s.value
  }
  const priority = r.optionalUint32(0x18)
  if (priority < 0 || priority > PRIORITY_MAX) return undefined
  const tags: string[] = []
  while (r.take(0x22)) {
    const s = r.string()
    if (s === undefined || tags.length === TAGS_MAX || s.byteLength === 0 || s.byteLength > TAG_MAX_BYTES || CONTROL.test(s.value)) return undefined
    tags.push(s.value)
  }
  const lines: string[] = []
  while (r.take(0x2a)) {
    const s = r.string()
    if (s === undefined || lines.length === LINES_MAX || s.byteLength > LINE_MAX_BYTES) return undefined
    lines.push(s.value)
  }
  const wantReceipts = r.take(0x30)
  if ((wantReceipts && !r.take(0x01)) || !r.done) return undefined
  return { text, title, priority, tags, lines, wantReceipts }
}

/** The generic path: protons decode, then re-encode and compare (canonical form), then checkMessage. */
export function decodePayloadGeneric (bytes: Uint8Array): DecodedPayload {
  let payload: Payload
  try {
    payload = Payload.decode(bytes, { limits: { padding: PADDING_ENTRIES_MAX, message: { tags: TAGS_MAX, lines: LINES_MAX } } })
  } catch {
    throw new MalformedInputError('the payload is not a valid protobuf')
  }
  if (!equals(Payload.encode(payload), bytes)) throw new MalformedInputError('the payload is not canonically encoded')
  if (payload.message !== undefined) return { type: 'message', message: checkMessage(payload.message) }
  if (payload.logEntry !== undefined && payload.logEntry.length > 0) return { type: 'log-entry', logEntry: payload.logEntry }
  throw new MalformedInputError('the payload has no body')
}
