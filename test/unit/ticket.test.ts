// Invite tickets: text round trip, every malformed variant with its exact message, expiry, exit codes.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fromString as u8FromString, toString as u8ToString } from 'uint8arrays'
import { Ed25519PrivateKey, sha256 } from '../../src/crypto/index.js'
import { createInvite, inviteKeyFromTicket, parseTicket, ticketToText } from '../../src/room/invite.js'
import { MembershipLog } from '../../src/room/membership.js'
import { TICKET_PREFIX, TICKET_TEXT_MAX_CHARS, encodeTicket, ticketChecksumInput, type Ticket } from '../../src/wire/ticket.js'

const T0 = 1_700_000_000_000
const HOUR = 3_600_000

function issue () {
  const admin = Ed25519PrivateKey.fromSeed(new Uint8Array(32).fill(1))
  const log = MembershipLog.create(admin, { name: 'ops room', creatorName: 'alice', creatorPeerId: new Uint8Array(38).fill(1), createdMs: T0 })
  const addrs = [new Uint8Array([4, 127, 0, 0, 1, 6, 0x10, 0x01])]
  const inv = createInvite(log, admin, { role: 'poster', expiresMs: T0 + HOUR, maxUses: 3, inviterPeerId: new Uint8Array(38).fill(1), addrs, nowMs: T0 })
  return { admin, log, inv }
}

/** A ticket line around arbitrary BYTES with a correct checksum. */
function lineFor (bytes: Uint8Array): string {
  const sum = sha256(ticketChecksumInput(bytes)).subarray(0, 4)
  const all = new Uint8Array(bytes.length + 4); all.set(bytes); all.set(sum, bytes.length)
  return TICKET_PREFIX + u8ToString(all, 'base32')
}

function malformed (text: string, message: string) {
  assert.throws(() => parseTicket(text), (err: any) => {
    assert.equal(err.name, 'MalformedTicketError')
    assert.equal(err.message, message)
    assert.equal(err.exitCode, 2)
    assert.match(err.hint, /copy the whole line/)
    return true
  }, JSON.stringify(text.slice(0, 40)))
}

describe('ticket text', () => {
  it('round trip: every field survives, the invite key matches the Invite entry, text is stable', () => {
    const { log, inv } = issue()
    assert.match(inv.ticketText, /^conclave1:[a-z2-7]+$/)
    const t = parseTicket(inv.ticketText)
    assert.deepEqual(t.roomId, log.roomId)
    assert.equal(t.roomName, 'ops room')
    assert.equal(t.role, 'poster')
    assert.equal(t.expiresMs, T0 + HOUR)
    assert.equal(t.maxUses, 3)
    assert.deepEqual(inviteKeyFromTicket(t).publicKey, inv.inviteKey)
    assert.equal(t.addrs.length, 1)
    assert.equal(ticketToText(t), inv.ticketText)
    // whitespace around it and upper case (a retyped ticket) are accepted
    assert.deepEqual(parseTicket(`  ${TICKET_PREFIX}${inv.ticketText.slice(TICKET_PREFIX.length).toUpperCase()}\n`), t)
    // the invite entry is valid in the log
    log.append(inv.entry)
    assert.equal(log.inviteStatus(inv.inviteKey, T0), 'ok')
  })

  it('malformed: prefix, base32, length, checksum, protobuf, fields — each its own message', () => {
    const { inv } = issue()
    const text = inv.ticketText
    malformed('', "the ticket does not start with 'conclave1:'")
    malformed('conclave2:' + text.slice(10), "the ticket does not start with 'conclave1:'")
    malformed('conclave1:', 'the ticket is not valid base32')
    malformed(text + '!', 'the ticket is not valid base32')
    malformed(text + '1', 'the ticket is not valid base32')
    malformed('conclave1:ab', 'the ticket is not valid base32') // non-zero leftover bits: not a whole number of bytes
    malformed('conclave1:aaaaaaa', 'the ticket is too short')
    malformed('conclave1:' + 'a'.repeat(TICKET_TEXT_MAX_CHARS), `the ticket is ${TICKET_TEXT_MAX_CHARS + 10} characters, over the limit of ${TICKET_TEXT_MAX_CHARS}`)
    // one changed character: checksum
    const body = text.slice(TICKET_PREFIX.length)
    const i = 40
    const changed = TICKET_PREFIX + body.slice(0, i) + (body[i] === 'a' ? 'b' : 'a') + body.slice(i + 1)
    malformed(changed, 'the ticket checksum does not match (was it copied completely?)')
    // dropped whole bytes (8 characters = 5 bytes) still base32, checksum catches it
    malformed(text.slice(0, -8), 'the ticket checksum does not match (was it copied completely?)')
    // correct checksum over bytes that are not a protobuf Ticket
    malformed(lineFor(new Uint8Array([0xff, 0xff, 0xff])), 'the ticket does not decode')
    // decodable, but fields wrong
    const t = parseTicket(text)
    const raw = u8FromString(body, 'base32')
    assert.ok(raw.length > 4)
    const reencode = (patch: Partial<Ticket>, fix: (b: Uint8Array) => Uint8Array = b => b) => lineFor(fix(encodeTicketUnchecked({ ...t, ...patch })))
    malformed(reencode({ version: 2 }), 'unsupported ticket version 2')
    malformed(reencode({ roomId: new Uint8Array(31) }), "the ticket's room id must be 32 bytes, got 31")
    malformed(reencode({ roomName: '' }), "the ticket's room name must be 1..64 characters, got 0")
    malformed(reencode({ roomName: 'a\u001bb' }), "the ticket's room name contains control characters")
    malformed(reencode({ inviteSeed: new Uint8Array(16) }), "the ticket's invite secret must be 32 bytes, got 16")
    malformed(reencode({ maxUses: 0 }), 'the ticket allows no uses')
    malformed(reencode({ expiresMs: 0 }), 'the ticket has no expiry time')
    malformed(reencode({ inviterPeerId: new Uint8Array(0) }), "the ticket's inviter peer id must be 1..128 bytes, got 0")
    malformed(reencode({ addrs: Array.from({ length: 17 }, () => new Uint8Array([1])) }), 'the ticket does not decode')
  })

  it('expiry is checked locally when a time is given: TicketExpiredError, exit 2', () => {
    const { inv } = issue()
    assert.equal(parseTicket(inv.ticketText, { nowMs: T0 + HOUR }).maxUses, 3)
    assert.throws(() => parseTicket(inv.ticketText, { nowMs: T0 + HOUR + 1 }), (err: any) => {
      assert.equal(err.name, 'TicketExpiredError')
      assert.equal(err.message, `the invite ticket expired at ${new Date(T0 + HOUR).toISOString()}`)
      assert.equal(err.exitCode, 2)
      return true
    })
  })

  it('encoding refuses a ticket over 2 KiB and an admin-less issuer', () => {
    const { inv, log } = issue()
    const many = Array.from({ length: 16 }, () => new Uint8Array(200).fill(4))
    assert.throws(() => encodeTicket({ ...inv.ticket, addrs: many }), { name: 'MalformedTicketError', message: /over the limit of 2048/ })
    const stranger = Ed25519PrivateKey.fromSeed(new Uint8Array(32).fill(9))
    assert.throws(() => createInvite(log, stranger, { role: 'member', expiresMs: T0 + HOUR, maxUses: 1, inviterPeerId: new Uint8Array(1), addrs: [], nowMs: T0 }),
      { name: 'UsageError', message: "only an admin can invite to room 'ops room'" })
  })
})

/** The protons codec without our field checks, to build bad-but-decodable tickets. */
import * as pb from '../../topics/ticket.js'
function encodeTicketUnchecked (t: Ticket): Uint8Array {
  const role = { admin: pb.Role.ADMIN, member: pb.Role.MEMBER, poster: pb.Role.POSTER }[t.role]
  return pb.Ticket.encode({ ...t, role } as any)
}
