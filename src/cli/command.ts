// The shape every command file exports, and the global options every command receives.
import type { Argv } from 'yargs'
import type { Client, ConnectOptions } from '../client/index.js'
import type { CliIo } from './io.js'
import type { Output } from './output.js'

/** Options of SPEC.md section 2 shared by all commands (each also read from CONCLAVE_<OPTION>). */
export interface GlobalArgs {
  home: string
  json: boolean
  verbose: number
  quiet: boolean
  listen: string[]
  bootstrap: string[]
  mdns: boolean
  passphraseFile?: string
  rotateMessages?: number
  rotateAfter?: string
  retain?: string
}

export interface CommandContext {
  io: CliIo
  out: Output
  globals: GlobalArgs
  /** The client a command works through; tests pass a fake one (default: the home's node, src/cli/connect.ts). */
  connect?: (options: ConnectOptions) => Promise<Client>
}

/** What runCli can be given besides argv and io: a client factory for in-process tests. */
export interface CliDeps {
  connect?: (options: ConnectOptions) => Promise<Client>
}

/** One command: flags and usage with examples (builder), and the function that runs it. */
export interface Command<A = Record<string, unknown>> {
  command: string
  describe: string
  builder: (yargs: Argv<GlobalArgs>) => Argv<any>
  /** Returns the exit code (0 when omitted). Throws ConclaveError for expected failures. */
  run: (ctx: CommandContext, args: GlobalArgs & A) => Promise<number | void>
}

/** Helper that keeps a command's args type attached to its builder. */
export function defineCommand<A> (command: Command<A>): Command<A> {
  return command
}
