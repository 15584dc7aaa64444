// Ticket-line target: decodeTicketText on mutated "conclave1:…" lines (characters changed, cased,
// padded, cut, or the ticket bytes mutated and re-checksummed so they reach the protobuf decoder).
// A line that decodes must be the canonical line of what it decoded to, up to case and surrounding space.
import fc from 'fast-check'
import { concat, toString as u8ToString } from 'uint8arrays'
import { sha256 } from '../../../src/crypto/index.js'
import { TICKET_CHECKSUM_LENGTH, TICKET_PREFIX, decodeTicketText, encodeTicketText, ticketChecksumInput } from '../../../src/wire/ticket.js'
import { MEMBERSHIP_VECTOR, logFixture, vectorSeeds } from '../corpus.js'
import { oracle, type Target, type Verdict } from '../harness.js'
import { bytesFrom } from '../mutate.js'

/** Characters that are almost something else: Unicode spaces, case-mapping oddities (İ, ı, K = Kelvin), a BOM, controls. */
const ODD = [' ', '\t', '\n', '\r\n', '\u00a0', '\u2028', '\ufeff', '\u200b', 'İ', 'ı', '\u212a', 'ſ', 'Ａ', '0', '1', '8', '9', '=', ':', '\u0000', '🦀']

/** The line for ticket BYTES with a correct checksum (what a careful forger would send). */
export function lineFor (bytes: Uint8Array): string {
  const checksum = sha256(ticketChecksumInput(bytes)).subarray(0, TICKET_CHECKSUM_LENGTH)
  return TICKET_PREFIX + u8ToString(concat([bytes, checksum]), 'base32')
}

function textEdit (line: string, [kind, a, b]: [number, number, number]): string {
  const at = a % (line.length + 1)
  switch (kind) {
    case 0: return line.slice(0, at) + ODD[b % ODD.length]! + line.slice(at) // insert
    case 1: return line.slice(0, at) + line.slice(at + 1 + b % 4) // delete
    case 2: return line.slice(0, at) + line.slice(at, at + 1 + b % 16).toUpperCase() + line.slice(at + 1 + b % 16) // case
    case 3: return line.slice(0, at) // cut
    case 4: return `${ODD[b % 4]!}${line}${ODD[(b >> 2) % 4]!}` // surrounding space
    case 5: return line.slice(0, at) + 'abcdefghijklmnopqrstuvwxyz234567'[b % 32]! + line.slice(at + 1) // another base32 character
    default: return line.slice(0, at) + line.slice(at, at + 1 + b % 8).repeat(2) + line.slice(at + 1 + b % 8) // duplicate
  }
}

export function ticketTextTarget (): Target<string> {
  const lines = [MEMBERSHIP_VECTOR.expected.ticketText as string, ...logFixture().ticketTexts]
  const ticketBytes = vectorSeeds().Ticket ?? []
  const edits = fc.array(fc.tuple(fc.nat({ max: 6 }), fc.nat({ max: 0xffff }), fc.nat({ max: 0xffff })), { minLength: 1, maxLength: 3 })
  const arbitrary = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.nat({ max: lines.length - 1 }), edits).map(([i, e]) => e.reduce(textEdit, lines[i]!)) },
    { weight: 4, arbitrary: bytesFrom(ticketBytes).map(lineFor) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map(s => TICKET_PREFIX + s) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) }
  )
  return {
    name: 'ticket/decodeTicketText',
    arbitrary,
    seeds: lines.length + ticketBytes.length,
    validSeeds: lines.filter(l => { try { decodeTicketText(l, sha256); return true } catch { return false } }).length + ticketBytes.length,
    show: line => JSON.stringify(line),
    check: (line): Verdict => {
      const ticket = decodeTicketText(line, sha256)
      return oracle('decodeTicketText', () => {
        const trimmed = line.trim()
        const canonical = TICKET_PREFIX + trimmed.slice(TICKET_PREFIX.length).toLowerCase()
        return encodeTicketText(ticket, sha256) === canonical ? 'ok' : { accept: 'accepted a line that is not the canonical line of its ticket (beyond case and surrounding space)' }
      })
    }
  }
}
