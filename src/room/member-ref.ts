// Naming a member on the command line: by member id, by display name when unique, or by a prefix
// of its safety fingerprint (digits, spaces optional); an ambiguous name lists the candidates.
import { UsageError } from '../errors.js'
import { fingerprint } from './identity.js'
import type { MemberInfo } from './membership.js'

/** The first group of a member's fingerprint, shown by `members` to tell same-named members apart. */
export function shortFingerprint (member: Uint8Array): string {
  return fingerprint(member).slice(0, 5)
}

/** The member REF names among MEMBERS. UsageError (exit 2) when none or several match. */
export function resolveMember (members: MemberInfo[], ref: string, room: string): MemberInfo {
  const text = ref.trim()
  const byId = members.filter(m => m.memberId === text.toLowerCase())
  if (byId.length === 1) return byId[0]!
  const byName = members.filter(m => m.name === text)
  if (byName.length === 1) return byName[0]!
  if (byName.length > 1) {
    throw new UsageError(`more than one member of '${room}' is called '${text}': ${byName.map(m => `${m.memberId} (fingerprint ${shortFingerprint(m.member)})`).join(', ')}`, {
      hint: 'name the member by member id or fingerprint (see `conclave members ROOM`)'
    })
  }
  const digits = text.replace(/\s+/g, '')
  if (/^\d{4,30}$/.test(digits)) {
    const byPrint = members.filter(m => fingerprint(m.member).replace(/ /g, '').startsWith(digits))
    if (byPrint.length === 1) return byPrint[0]!
    if (byPrint.length > 1) {
      throw new UsageError(`the fingerprint prefix '${text}' matches more than one member of '${room}': ${byPrint.map(m => `${m.name} (${m.memberId})`).join(', ')}`, { hint: 'give more digits, or the member id' })
    }
  }
  throw new UsageError(`no member of '${room}' is '${text}'`, { hint: 'see `conclave members ROOM` for names, fingerprints and member ids' })
}
