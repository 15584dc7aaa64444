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

/* eslint-disable no-control-regex */
/** C0 and C1 controls (ESC starts every terminal sequence), tab excepted; newline included. */
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g
/** Bidi embeddings, overrides and isolates, and the invisible direction marks: they reorder what follows. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
/** Zero-width characters: in a name they make two different names look the same. */
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g
/* eslint-enable no-control-regex */
const REPLACEMENT = '\uFFFD'
/** How a continuation line of a message starts: under the time, visibly not a new message. */
export const CONTINUATION = '         | '

/**
 * One field that came over the network (a name, a title, a tag, a room name) made safe for a
 * terminal, on one line: every control character (newline included), bidi control and
 * zero-width character becomes U+FFFD, so it can neither forge a line nor reorder the text.
 */
export function safeText (s: string): string {
  return s.replace(CONTROLS, c => c === '\t' ? c : REPLACEMENT).replace(BIDI, REPLACEMENT).replace(ZERO_WIDTH, REPLACEMENT)
}

/**
 * A message's text for a terminal: its own newlines are kept, each further line starts with
 * CONTINUATION (so "\n12:00:00 alice: ..." inside bob's text cannot pass for alice's line);
 * other controls and bidi controls become U+FFFD. Zero-width joiners stay (emoji and scripts need
 * them); the name shown is always the verified sender's, never taken from the text.
 */
export function safeBody (s: string): string {
  return s.split(/\r?\n/).map(line => line.replace(CONTROLS, c => c === '\t' ? c : REPLACEMENT).replace(BIDI, REPLACEMENT)).join('\n' + CONTINUATION)
}

export function humanLine (m: ShownMessage, color: boolean, showRoom: boolean): string {
  const time = m.ts.slice(11, 19)
  const nick = color ? `\x1b[${nickColor(m.from)}m${safeText(m.fromName)}\x1b[0m` : safeText(m.fromName)
  const room = showRoom ? `#${safeText(m.room)} ` : ''
  const prio = m.priority !== null && m.priority !== 3 ? `[p${m.priority}] ` : ''
  const title = m.title !== null ? `${safeText(m.title)}: ` : ''
  const tags = m.tags.length > 0 ? '  ' + m.tags.map(t => `#${safeText(t)}`).join(' ') : ''
  const caughtUp = m.caughtUp === true ? '(caught up) ' : ''
  return `${time} ${caughtUp}${room}${nick}: ${prio}${title}${safeBody(m.text)}${tags}`
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
