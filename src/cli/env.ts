// CONCLAVE_<OPTION> environment variables → option values, for the flags the chosen command
// actually has. yargs' own .env() turns EVERY CONCLAVE_* variable into an argument, so secrets
// (CONCLAVE_PASSPHRASE) and metadata that `listen --exec` hands to child processes would
// become "unknown option" errors or, worse, silently set options of an unrelated command.
// Positional arguments never come from the environment (SPEC.md section 2).
import type { Argv, Options } from 'yargs'
import { UsageError } from '../errors.js'

type Args = Record<string, unknown>

const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
/**
 * `listen --exec` hands message metadata to its commands as CONCLAVE_MSG_*; no option may ever be
 * read from such a name (a `conclave send` inside the command would pick up the message's
 * metadata as its own options), so options whose variable would start with it are never mapped.
 */
export const EXEC_ENV_PREFIX = 'CONCLAVE_MSG_'

export const envName = (option: string): string => 'CONCLAVE_' + option.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase()

/** Option names (and aliases) that appear on the command line before `--`. */
function explicitOptions (rawArgs: string[]): Set<string> {
  const seen = new Set<string>()
  for (const token of rawArgs) {
    if (token === '--') break
    if (token.startsWith('--')) {
      const name = token.slice(2).split('=')[0]!
      seen.add(name.startsWith('no-') ? name.slice(3) : name)
    } else if (token.startsWith('-') && token.length > 1) {
      for (const ch of token.slice(1)) seen.add(ch)
    }
  }
  return seen
}

function coerce (option: string, raw: string, kind: 'boolean' | 'number' | 'count' | 'array' | 'string'): unknown {
  switch (kind) {
    case 'boolean': {
      const v = raw.trim().toLowerCase()
      if (['1', 'true', 'yes', 'on'].includes(v)) return true
      if (['0', 'false', 'no', 'off', ''].includes(v)) return false
      throw new UsageError(`${envName(option)} must be true or false, got '${raw}'`)
    }
    case 'count':
    case 'number': {
      const n = Number(raw)
      if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${envName(option)} must be a number, got '${raw}'`)
      return n
    }
    case 'array':
      return raw.split(/[\s,]+/).filter(s => s !== '')
    default:
      return raw
  }
}

type Internal = { getInternalMethods?: () => { getContext?: () => { fullCommands?: string[] } } }

/**
 * The positional names (with their aliases) of the command being run, from its command string
 * ('send <room> [text..]' → room, text). yargs' positional() registers a positional as an
 * ordinary option, so getOptions() cannot tell them apart; the command strings of the commands
 * being run (yargs' context) can.
 */
function positionalNames (y: Argv): Set<string> {
  const context = (y as unknown as Internal).getInternalMethods?.().getContext?.()
  if (context?.fullCommands === undefined) throw new Error('yargs no longer exposes the running command: cannot tell positionals from flags')
  const names = new Set<string>()
  for (const command of context.fullCommands) {
    for (const [, inner] of command.matchAll(/[<[]([^\]>]+)[\]>]/g)) {
      for (const name of inner!.replace(/\.\.$/, '').split('|')) { names.add(name); names.add(camel(name)) }
    }
  }
  return names
}

/**
 * A yargs middleware (run before validation) that fills options of the selected command from
 * ENV unless they were given on the command line.
 */
export function envMiddleware (env: NodeJS.ProcessEnv, rawArgs: string[]) {
  const explicit = explicitOptions(rawArgs)
  return (argv: Args, y: Argv): void => {
    const opts = (y as unknown as { getOptions: () => Record<string, any> }).getOptions()
    const aliases: Record<string, string[]> = opts.alias ?? {}
    const kindOf = (key: string): 'boolean' | 'number' | 'count' | 'array' | 'string' =>
      opts.count?.includes(key) === true
        ? 'count'
        : opts.boolean?.includes(key) === true
          ? 'boolean'
          : opts.number?.includes(key) === true ? 'number' : opts.array?.includes(key) === true ? 'array' : 'string'
    const positionals = positionalNames(y)
    const keys = new Set<string>([...Object.keys(opts.key ?? {})])
    for (const key of keys) {
      if (key === 'help' || key === 'version' || key.includes('.')) continue
      const names = [key, ...(aliases[key] ?? [])]
      if (names.some(n => positionals.has(n))) continue
      if (names.some(n => explicit.has(n))) continue
      if (envName(key).startsWith(EXEC_ENV_PREFIX)) continue
      const raw = env[envName(key)]
      if (raw === undefined) continue
      const value = coerce(key, raw, kindOf(key))
      for (const n of names) { argv[n] = value; argv[camel(n)] = value }
    }
  }
}

