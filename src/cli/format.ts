// How messages and durations look on the command line: one JSON object per line, or a human line.
import { UsageError } from '../errors.js'
import type { ShownMessage } from '../room/service.js'
import type { Output } from './output.js'

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** "30s", "10m", "24h", "7d", "1500ms", or a bare number of seconds → milliseconds. */
export function parseDuration (text: string, option: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/.exec(text)
  if (m === null) throw new UsageError(`--${option} expects a duration like 30s, 10m, 24h or 7d, got '${text}'`)
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 's']!)
}

const PRIORITY_NAMES: Record<string, number> = { min: 1, low: 2, default: 3, high: 4, urgent: 5, max: 5 }

/** --priority / the Priority header: 1-5 or min, low, default, high, urgent (ntfy's names). */
export function parsePriority (value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = typeof value === 'number' ? value : PRIORITY_NAMES[value.toLowerCase()] ?? Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new UsageError(`--priority must be 1-5 or min/low/default/high/urgent, got '${value}'`)
  return n
}

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
