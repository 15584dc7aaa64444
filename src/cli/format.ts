// How messages, durations and membership changes look on the command line: one JSON object per
// line, or a human line.
import type { MembershipResult } from '../client/index.js'
import type { ShownMessage } from '../room/service.js'
import type { Output } from './output.js'

export { parseDuration, parsePriority } from '../client/parse.js'

const NICK_COLORS = [31, 32, 33, 34, 35, 36, 91, 92, 93, 94, 95, 96]

/** A stable color per member id, so a nickname keeps its color. */
export function nickColor (memberId: string): number {
  let h = 0
  for (const c of memberId) h = (h * 31 + c.charCodeAt(0)) >>> 0
  return NICK_COLORS[h % NICK_COLORS.length]!
}

/** Strips terminal control sequences from text that came over the network before it is shown. */
export function safeText (s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, c => c === '\t' ? c : '\uFFFD')
}

export function humanLine (m: ShownMessage, color: boolean, showRoom: boolean): string {
  const time = m.ts.slice(11, 19)
  const nick = color ? `\x1b[${nickColor(m.from)}m${safeText(m.fromName)}\x1b[0m` : safeText(m.fromName)
  const room = showRoom ? `#${safeText(m.room)} ` : ''
  const prio = m.priority !== null && m.priority !== 3 ? `[p${m.priority}] ` : ''
  const title = m.title !== null ? `${safeText(m.title)}: ` : ''
  const tags = m.tags.length > 0 ? '  ' + m.tags.map(t => `#${safeText(t)}`).join(' ') : ''
  return `${time} ${room}${nick}: ${prio}${title}${safeText(m.text)}${tags}`
}

export function printMessage (out: Output, m: ShownMessage, options: { color?: boolean, showRoom?: boolean } = {}): void {
  if (out.json) out.jsonLine(m)
  else out.data(humanLine(m, options.color ?? false, options.showRoom ?? false))
}

/**
 * What a membership command (kick, role, revoke, leave) did: its JSON line on stdout with --json,
 * else HUMAN on stderr (stdout stays empty: a membership change is no data). With WARNALONE, a
 * warning when the entry reached nobody yet (it was stored and spreads at the next keys exchange).
 */
export function printMembership (out: Output, r: MembershipResult, human: string, options: { warnAlone: boolean }): void {
  if (out.json) out.jsonLine(r)
  else out.info(`conclave: ${human}`)
  if (options.warnAlone && r.recipients === 0) out.warn(`nobody in '${safeText(r.room)}' was reachable: members get the change when they next exchange keys with this home`)
}
