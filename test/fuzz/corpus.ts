// Fuzz seed corpus: the known-answer vectors (test/vectors/*.json) and a deterministic membership log
// holding every entry type, plus the real byte strings the proto sample synthesizer uses by field name.
import { readFileSync } from 'node:fs'
import { Ed25519PrivateKey, sha256 } from '../../src/crypto/index.js'
import { signInviteUse } from '../../src/room/invite.js'
import { MembershipLog } from '../../src/room/membership.js'
import { encodeSenderKey } from '../../src/wire/envelope.js'
import { decodeSignedLogEntry, type RoleName } from '../../src/wire/membership.js'
import { TICKET_VERSION, decodeTicketText, encodeTicket, encodeTicketText, type Ticket } from '../../src/wire/ticket.js'
import type { KnownBytes } from './proto-samples.js'

const vector = (name: string): any => JSON.parse(readFileSync(new URL(`../vectors/${name}.json`, import.meta.url), 'utf8'))
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'))

export const ENVELOPE_VECTOR = vector('envelope')
export const MEMBERSHIP_VECTOR = vector('membership')
export const SENDER_KEY_VECTOR = vector('sender-keys')

export const T0 = 1_700_000_000_000
const HOUR = 3_600_000
/** A fixed key per number (never random: a fuzz run must reproduce from its seed). */
export const key = (n: number): Ed25519PrivateKey => Ed25519PrivateKey.fromSeed(new Uint8Array(32).fill(n))
/** /ip4/127.0.0.1/tcp/4001 as multiaddr bytes. */
export const MULTIADDR = Uint8Array.of(0x04, 127, 0, 0, 1, 0x06, 0x0f, 0xa1)
export const PEER_ID = unhex(MEMBERSHIP_VECTOR.inputs.creatorPeerIdBytes)

export const vectorEnvelopes = (): Uint8Array[] => ENVELOPE_VECTOR.envelopes.map((e: { envelopeHex: string }) => unhex(e.envelopeHex))
export const vectorPayloads = (): Uint8Array[] => ENVELOPE_VECTOR.envelopes.map((e: { paddedPayloadHex: string }) => unhex(e.paddedPayloadHex))

export interface LogFixture {
  log: MembershipLog
  /** SignedLogEntry bytes from genesis: genesis, invite, add, add, set-role, remove, rotate, invite, revoke-invite, remove (leave). */
  entries: Uint8Array[]
  tickets: Ticket[]
  ticketTexts: string[]
}

let fixture: LogFixture | undefined

/** A room whose log holds every entry type, built from fixed keys (memoized). */
export function logFixture (): LogFixture {
  if (fixture !== undefined) return fixture
  const alice = key(1); const bob = key(2); const carol = key(3); const dave = key(4)
  const log = MembershipLog.create(alice, { name: 'ops', creatorName: 'alice', creatorPeerId: PEER_ID, nonce: new Uint8Array(16).fill(9), createdMs: T0 })
  const tickets: Ticket[] = []
  let ts = T0
  const invite = (admin: Ed25519PrivateKey, n: number, role: RoleName): Ed25519PrivateKey => {
    const inviteKey = key(100 + n)
    log.append(log.createEntry(admin, { type: 'invite', inviteKey: inviteKey.publicKey, role, expiresMs: T0 + HOUR, maxUses: 5 }, ++ts))
    tickets.push({ version: TICKET_VERSION, roomId: log.roomId, roomName: log.name, role, expiresMs: T0 + HOUR, maxUses: 5, inviteSeed: new Uint8Array(32).fill(100 + n), inviterPeerId: PEER_ID, addrs: [MULTIADDR] })
    return inviteKey
  }
  const add = (admin: Ed25519PrivateKey, inviteKey: Ed25519PrivateKey, member: Ed25519PrivateKey, name: string): void => {
    const peerId = PEER_ID.slice(); peerId[peerId.length - 1] = member.publicKey[0]!
    log.append(log.createEntry(admin, {
      type: 'add', member: member.publicKey, name, role: 'member', peerId, inviteKey: inviteKey.publicKey, inviteProof: signInviteUse(inviteKey, log.roomId, member.publicKey, peerId)
    }, ++ts))
  }
  const first = invite(alice, 1, 'member')
  add(alice, first, bob, 'bob')
  add(alice, first, carol, 'carol')
  log.append(log.createEntry(alice, { type: 'set-role', member: bob.publicKey, role: 'admin' }, ++ts))
  log.append(log.createEntry(bob, { type: 'remove', member: carol.publicKey, reason: 'kicked: 🙈 spam' }, ++ts))
  log.append(log.createEntry(bob, { type: 'rotate', epoch: log.epoch }, ++ts))
  const second = invite(bob, 2, 'poster')
  log.append(log.createEntry(alice, { type: 'revoke-invite', inviteKey: second.publicKey }, ++ts))
  add(bob, first, dave, 'dave')
  log.append(log.createEntry(dave, { type: 'remove', member: dave.publicKey, reason: '' }, ++ts))
  fixture = { log, entries: log.toBytes(), tickets, ticketTexts: tickets.map(t => encodeTicketText(t, sha256)) }
  return fixture
}

/** The SenderKey of the vectors' sender chain (index 0, signed by the vector member key). */
export function vectorSenderKey (): Uint8Array {
  const k = Ed25519PrivateKey.fromSeed(unhex(ENVELOPE_VECTOR.memberSeedHex))
  return encodeSenderKey({
    roomId: unhex(ENVELOPE_VECTOR.roomIdHex) as Uint8Array<ArrayBuffer>,
    epoch: ENVELOPE_VECTOR.epoch,
    sender: k.publicKey as Uint8Array<ArrayBuffer>,
    index: 0,
    chainKey: unhex(SENDER_KEY_VECTOR.chainKey0) as Uint8Array<ArrayBuffer>,
    signedMs: T0,
    signature: k.sign(Uint8Array.of(1, 2, 3)) as Uint8Array<ArrayBuffer>
  })
}

/** Real byte strings by proto field name, for the sample synthesizer. */
export function knownBytes (): KnownBytes {
  const { entries } = logFixture()
  const signed = [...entries.slice(0, 3), unhex(MEMBERSHIP_VECTOR.expected.inviteEntry)]
  return {
    log: signed,
    log_entry: signed,
    entry: [decodeSignedLogEntry(entries[2]!).entry],
    genesis: [unhex(MEMBERSHIP_VECTOR.expected.genesisBytes)],
    sender_keys: [vectorSenderKey()],
    peer_id: [PEER_ID],
    creator_peer_id: [PEER_ID],
    inviter_peer_id: [PEER_ID],
    addrs: [MULTIADDR]
  }
}

/** Known-answer seeds by message name (added to the synthesized ones). */
export function vectorSeeds (): Record<string, Uint8Array[]> {
  const { entries, tickets } = logFixture()
  const m = MEMBERSHIP_VECTOR.expected
  const signed = [unhex(m.genesisEntry), unhex(m.inviteEntry), ...entries]
  return {
    Envelope: vectorEnvelopes(),
    Payload: vectorPayloads(),
    Genesis: [unhex(m.genesisBytes)],
    SignedLogEntry: signed,
    LogEntry: signed.map(s => decodeSignedLogEntry(s).entry),
    SenderKey: [vectorSenderKey()],
    Ticket: [encodeTicket(decodeTicketText(m.ticketText, sha256)), ...tickets.map(encodeTicket)]
  }
}
