// Invite ticket wire format: Ticket codec, the one-line text form "conclave1:…" and its checksum.
//
// The checksum needs SHA-256 and src/wire must not import src/crypto, so the text functions take
// the hash function as a parameter (src/room/invite.ts passes crypto's sha256). Every failure to
// read a ticket is a MalformedTicketError (exit 2) with an exact message.
import { concat, fromString as u8FromString, toString as u8ToString } from 'uint8arrays'
import { MalformedTicketError } from '../errors.js'
import * as pb from '../../topics/ticket.js'
import { HASH_LENGTH, KEY_LENGTH, PEER_ID_MAX_BYTES, decodeLimited, labelBytes, nameProblem, type RoleName } from './membership.js'

export const TICKET_VERSION = 1
export const TICKET_PREFIX = 'conclave1:'
export const TICKET_LABEL = 'conclave ticket v1\0'
export const TICKET_MAX_BYTES = 2048
export const TICKET_CHECKSUM_LENGTH = 4
export const TICKET_ADDRS_MAX = 16
export const TICKET_ADDR_MAX_BYTES = 256
/** Longest acceptable text: the prefix plus base32 of the largest ticket and its checksum. */
export const TICKET_TEXT_MAX_CHARS = TICKET_PREFIX.length + Math.ceil((TICKET_MAX_BYTES + TICKET_CHECKSUM_LENGTH) * 8 / 5)

const HINT = "copy the whole line that 'conclave invite' printed, without line breaks"

export interface Ticket {
  version: number
  roomId: Uint8Array
  roomName: string
  role: RoleName
  expiresMs: number
  maxUses: number
  /** The invite key pair's Ed25519 seed: the secret. Never log it. */
  inviteSeed: Uint8Array
  inviterPeerId: Uint8Array
  addrs: Uint8Array[]
}

export type Sha256 = (data: Uint8Array) => Uint8Array

function malformed (message: string, cause?: unknown): MalformedTicketError {
  return new MalformedTicketError(message, cause === undefined ? { hint: HINT } : { hint: HINT, cause })
}

function roleFrom (role: string): RoleName {
  switch (role) {
    case 'ADMIN': return 'admin'
    case 'MEMBER': return 'member'
    case 'POSTER': return 'poster'
    default: throw malformed('the ticket has no role')
  }
}

function roleTo (role: RoleName): pb.Role {
  switch (role) {
    case 'admin': return pb.Role.ADMIN
    case 'member': return pb.Role.MEMBER
    case 'poster': return pb.Role.POSTER
    default: throw malformed(`the ticket role '${String(role)}' is unknown`)
  }
}

function checkTicket (t: Omit<Ticket, 'role'>): void {
  if (t.version !== TICKET_VERSION) throw malformed(`unsupported ticket version ${t.version}`)
  if (t.roomId.length !== HASH_LENGTH) throw malformed(`the ticket's room id must be ${HASH_LENGTH} bytes, got ${t.roomId.length}`)
  const problem = nameProblem(t.roomName)
  if (problem !== undefined) throw malformed(`the ticket's room name ${problem}`)
  if (!Number.isSafeInteger(t.expiresMs) || t.expiresMs < 1) throw malformed('the ticket has no expiry time')
  if (!Number.isSafeInteger(t.maxUses) || t.maxUses < 1) throw malformed('the ticket allows no uses')
  if (t.inviteSeed.length !== KEY_LENGTH) throw malformed(`the ticket's invite secret must be ${KEY_LENGTH} bytes, got ${t.inviteSeed.length}`)
  if (t.inviterPeerId.length < 1 || t.inviterPeerId.length > PEER_ID_MAX_BYTES) throw malformed(`the ticket's inviter peer id must be 1..${PEER_ID_MAX_BYTES} bytes, got ${t.inviterPeerId.length}`)
  if (t.addrs.length > TICKET_ADDRS_MAX) throw malformed(`the ticket has ${t.addrs.length} addresses, over the limit of ${TICKET_ADDRS_MAX}`)
  for (const a of t.addrs) {
    if (a.length < 1 || a.length > TICKET_ADDR_MAX_BYTES) throw malformed(`a ticket address must be 1..${TICKET_ADDR_MAX_BYTES} bytes, got ${a.length}`)
  }
}

type Ab = Uint8Array<ArrayBuffer>

export function encodeTicket (t: Ticket): Uint8Array {
  checkTicket(t)
  const bytes = pb.Ticket.encode({
    version: t.version,
    roomId: t.roomId as Ab,
    roomName: t.roomName,
    role: roleTo(t.role),
    expiresMs: t.expiresMs,
    maxUses: t.maxUses,
    inviteSeed: t.inviteSeed as Ab,
    inviterPeerId: t.inviterPeerId as Ab,
    addrs: t.addrs as Ab[]
  })
  if (bytes.length > TICKET_MAX_BYTES) throw malformed(`the ticket is ${bytes.length} bytes, over the limit of ${TICKET_MAX_BYTES} (too many addresses?)`)
  return bytes
}

export function decodeTicket (bytes: Uint8Array): Ticket {
  const t = decodeLimited('the ticket', bytes, TICKET_MAX_BYTES,
    pb.Ticket, { addrs: TICKET_ADDRS_MAX }, malformed)
  checkTicket(t)
  return { version: t.version, roomId: t.roomId, roomName: t.roomName, role: roleFrom(t.role), expiresMs: t.expiresMs, maxUses: t.maxUses, inviteSeed: t.inviteSeed, inviterPeerId: t.inviterPeerId, addrs: t.addrs }
}

/** Checksum input: "conclave ticket v1\0" ‖ ticket bytes (its first 4 hash bytes are the checksum). */
export function ticketChecksumInput (ticketBytes: Uint8Array): Uint8Array {
  return concat([labelBytes(TICKET_LABEL), ticketBytes])
}

/** "conclave1:" + lowercase base32 (no padding) of ticket bytes ‖ checksum. */
export function encodeTicketText (t: Ticket, sha256: Sha256): string {
  const bytes = encodeTicket(t)
  const checksum = sha256(ticketChecksumInput(bytes)).subarray(0, TICKET_CHECKSUM_LENGTH)
  return TICKET_PREFIX + u8ToString(concat([bytes, checksum]), 'base32')
}

/**
 * Reads a ticket line. Checks, in order: length, prefix, base32, checksum, protobuf, fields.
 * Surrounding whitespace is ignored and the base32 part is case-insensitive.
 */
export function decodeTicketText (text: string, sha256: Sha256): Ticket {
  if (typeof text !== 'string') throw malformed('the ticket is not text')
  const line = text.trim()
  if (line.length > TICKET_TEXT_MAX_CHARS) throw malformed(`the ticket is ${line.length} characters, over the limit of ${TICKET_TEXT_MAX_CHARS}`)
  if (!line.startsWith(TICKET_PREFIX)) throw malformed(`the ticket does not start with '${TICKET_PREFIX}'`)
  const body = line.slice(TICKET_PREFIX.length).toLowerCase()
  if (!/^[a-z2-7]+$/.test(body)) throw malformed('the ticket is not valid base32')
  let raw: Uint8Array
  try {
    raw = u8FromString(body, 'base32')
  } catch (cause) {
    throw malformed('the ticket is not valid base32', cause)
  }
  if (raw.length <= TICKET_CHECKSUM_LENGTH) throw malformed('the ticket is too short')
  const bytes = raw.subarray(0, raw.length - TICKET_CHECKSUM_LENGTH)
  const checksum = raw.subarray(raw.length - TICKET_CHECKSUM_LENGTH)
  const expected = sha256(ticketChecksumInput(bytes)).subarray(0, TICKET_CHECKSUM_LENGTH)
  let diff = 0
  for (let i = 0; i < TICKET_CHECKSUM_LENGTH; i++) diff |= checksum[i]! ^ expected[i]!
  if (diff !== 0) throw malformed('the ticket checksum does not match (was it copied completely?)')
  return decodeTicket(bytes)
}
