// Invites: issuing one (Invite log entry + ticket line), reading a ticket line, and the invite-use proof.
//
// The ticket carries the SEED of a fresh Ed25519 key pair whose public half the issuing admin
// signs into the membership log. Any online admin can then admit the holder: it checks the log
// and a proof of possession of the private half, so the inviter need not be online.
import { Ed25519PrivateKey, ed25519Verify, randomBytes, sha256 } from '../crypto/index.js'
import { ConclaveError, TicketExpiredError, TicketRevokedError, TicketUsedUpError, UsageError } from '../errors.js'
import { KEY_LENGTH, inviteUseInput, type RoleName } from '../wire/membership.js'
import { TICKET_VERSION, decodeTicketText, encodeTicketText, type Ticket } from '../wire/ticket.js'
import type { InviteStatus, MembershipLog } from './membership.js'

export type { Ticket } from '../wire/ticket.js'

export interface InviteOptions {
  role: RoleName
  /** Absolute expiry time (ms since the Unix epoch). */
  expiresMs: number
  maxUses: number
  /** The issuing admin's libp2p peer id (multihash bytes) and listen addresses (multiaddr bytes). */
  inviterPeerId: Uint8Array
  addrs: Uint8Array[]
  nowMs?: number
}

export interface CreatedInvite {
  /** The signed Invite log entry: append it to the log and broadcast it. */
  entry: Uint8Array
  ticket: Ticket
  /** The one line to hand to the invitee (it holds a secret). */
  ticketText: string
  inviteKey: Uint8Array
}

const NEW_INVITE_HINT = 'ask an admin of the room for a new invite'

/** Issues an invite in LOG as ADMINKEY (which must be an admin there). Does not append the entry. */
export function createInvite (log: MembershipLog, adminKey: Ed25519PrivateKey, options: InviteOptions): CreatedInvite {
  const nowMs = options.nowMs ?? Date.now()
  if (log.roleOf(adminKey.publicKey) !== 'admin') throw new UsageError(`only an admin can invite to room '${log.name}'`)
  if (!Number.isSafeInteger(options.expiresMs) || options.expiresMs <= nowMs) throw new UsageError('the invite must expire in the future')
  if (!Number.isSafeInteger(options.maxUses) || options.maxUses < 1) throw new UsageError('the invite must allow at least one use')
  const inviteSeed = randomBytes(KEY_LENGTH)
  const inviteKey = Ed25519PrivateKey.fromSeed(inviteSeed).publicKey
  const entry = log.createEntry(adminKey, { type: 'invite', inviteKey, role: options.role, expiresMs: options.expiresMs, maxUses: options.maxUses }, nowMs)
  const ticket: Ticket = {
    version: TICKET_VERSION,
    roomId: log.roomId,
    roomName: log.name,
    role: options.role,
    expiresMs: options.expiresMs,
    maxUses: options.maxUses,
    inviteSeed,
    inviterPeerId: options.inviterPeerId,
    addrs: options.addrs
  }
  return { entry, ticket, ticketText: encodeTicketText(ticket, sha256), inviteKey }
}

/** Encodes TICKET as its one-line text form. */
export function ticketToText (ticket: Ticket): string {
  return encodeTicketText(ticket, sha256)
}

/**
 * Reads a ticket line: MalformedTicketError for a bad prefix, base32, checksum or field; with
 * options.nowMs, TicketExpiredError when the expiry has passed (checked locally, before dialling).
 */
export function parseTicket (text: string, options: { nowMs?: number } = {}): Ticket {
  const ticket = decodeTicketText(text, sha256)
  if (options.nowMs !== undefined && options.nowMs > ticket.expiresMs) {
    throw new TicketExpiredError(`the invite ticket expired at ${new Date(ticket.expiresMs).toISOString()}`, { hint: NEW_INVITE_HINT })
  }
  return ticket
}

/** The invite key pair a ticket carries. */
export function inviteKeyFromTicket (ticket: Ticket): Ed25519PrivateKey {
  return Ed25519PrivateKey.fromSeed(ticket.inviteSeed)
}

/** Add.invite_proof: Sign_invite("conclave invite use v1\0" ‖ room_id ‖ member ‖ peer_id). */
export function signInviteUse (inviteKey: Ed25519PrivateKey, roomId: Uint8Array, member: Uint8Array, peerId: Uint8Array): Uint8Array {
  return inviteKey.sign(inviteUseInput(roomId, member, peerId))
}

export function verifyInviteUse (inviteKey: Uint8Array, roomId: Uint8Array, member: Uint8Array, peerId: Uint8Array, proof: Uint8Array): boolean {
  return ed25519Verify(inviteKey, inviteUseInput(roomId, member, peerId), proof)
}

/** The user-facing error for an invite status other than 'ok' / 'unknown' (those have no ticket error). */
export function inviteStatusError (status: InviteStatus): ConclaveError | undefined {
  switch (status) {
    case 'expired': return new TicketExpiredError('the invite ticket has expired', { hint: NEW_INVITE_HINT })
    case 'used-up': return new TicketUsedUpError('the invite ticket has been used up', { hint: NEW_INVITE_HINT })
    case 'revoked': return new TicketRevokedError('the invite ticket has been revoked', { hint: NEW_INVITE_HINT })
    default: return undefined
  }
}
