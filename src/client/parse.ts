// Parsing of the values a person types (durations, priorities), shared by the CLI's options and
// the control API's headers so both refuse the same input with the same words.
import { UsageError } from '../errors.js'

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
