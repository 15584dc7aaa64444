// yargs set-up: global options, CONCLAVE_* environment variables, the explicit command list,
// and the mapping from a parse failure or thrown error to an exit code. IO is injectable.
import yargs from 'yargs'
import type { Argv } from 'yargs'
import { VERSION, defaultHome } from '../config.js'
import { ConclaveError, ExitCode, UsageError } from '../errors.js'
import type { CliDeps, Command, CommandContext, GlobalArgs } from './command.js'
import type { CliIo } from './io.js'
import { envMiddleware } from './env.js'
import { Output } from './output.js'
import { chatCommand } from './commands/chat.js'
import { createCommand } from './commands/create.js'
import { daemonCommand } from './commands/daemon.js'
import { historyCommand } from './commands/history.js'
import { idCommand } from './commands/id.js'
import { initCommand } from './commands/init.js'
import { inviteCommand } from './commands/invite.js'
import { joinCommand } from './commands/join.js'
import { kickCommand } from './commands/kick.js'
import { leaveCommand } from './commands/leave.js'
import { listenCommand } from './commands/listen.js'
import { membersCommand } from './commands/members.js'
import { revokeCommand } from './commands/revoke.js'
import { roleCommand } from './commands/role.js'
import { roomsCommand } from './commands/rooms.js'
import { sendCommand } from './commands/send.js'
import { statusCommand } from './commands/status.js'

/** Every command, in the order `--help` lists them. */
export const COMMANDS: Array<Command<any>> = [
  initCommand,
  idCommand,
  chatCommand,
  createCommand,
  inviteCommand,
  joinCommand,
  sendCommand,
  listenCommand,
  historyCommand,
  roomsCommand,
  membersCommand,
  kickCommand,
  leaveCommand,
  roleCommand,
  revokeCommand,
  statusCommand,
  daemonCommand
]

const EPILOGUE = [
  'Every option can also be set with an environment variable CONCLAVE_<OPTION>, e.g.',
  'CONCLAVE_HOME=/srv/conclave. CONCLAVE_PASSPHRASE unlocks an encrypted identity.',
  'Exit codes: 0 ok, 1 operational failure, 2 bad input, 3 delivery not confirmed.'
].join('\n')

function globalOptions (y: Argv, env: NodeJS.ProcessEnv): Argv<GlobalArgs> {
  return y
    .option('home', {
      type: 'string',
      global: true,
      default: defaultHome(env),
      defaultDescription: '$XDG_DATA_HOME/conclave or ~/.local/share/conclave',
      describe: 'data directory (identity, store)',
      normalize: true
    })
    .option('json', { type: 'boolean', global: true, default: false, describe: 'machine-readable output, one JSON object per line' })
    .option('verbose', { alias: 'v', type: 'count', global: true, describe: 'log to stderr (-vv for more)' })
    .option('quiet', { alias: 'q', type: 'boolean', global: true, default: false, describe: 'only data and errors' })
    .option('passphrase-file', { type: 'string', global: true, describe: 'read the identity passphrase from FILE', normalize: true })
    .option('listen', { type: 'string', array: true, global: true, default: ['/ip4/0.0.0.0/tcp/0'], describe: 'multiaddr to listen on (repeatable)', group: 'Network options:' })
    .option('bootstrap', { type: 'string', array: true, global: true, default: [], describe: 'multiaddr of a bootstrap/relay peer (repeatable)', group: 'Network options:' })
    .option('mdns', { type: 'boolean', global: true, default: true, describe: 'discover peers on the LAN (--no-mdns to turn off)', group: 'Network options:' })
    .option('rotate-messages', { type: 'number', global: true, describe: 'start a new epoch (new keys) after this many messages of ours in one (default 10000)', group: 'Room key options:' })
    .option('rotate-after', { type: 'string', global: true, describe: 'start a new epoch once it is this old (default 7d)', group: 'Room key options:' })
    .option('retain', { type: 'string', global: true, describe: 'history kept per room: a count of messages and/or an age, e.g. 5000 or 7d or 5000,7d (default 100000,30d)', group: 'Room key options:' }) as unknown as Argv<GlobalArgs>
}

/** Turns yargs' English into our error voice, with a hint to the right help page. */
function usageError (message: string, args: string[]): UsageError {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message)
  const command = args.find(a => !a.startsWith('-'))
  const known = COMMANDS.some(c => c.command.split(' ')[0] === command)
  if (unknown !== null && command !== undefined && !known && unknown[1]?.split(', ')[0] === command) {
    return new UsageError(`unknown command '${command}'`, { hint: "run 'conclave --help' for the list of commands" })
  }
  const where = known ? `conclave ${command} --help` : 'conclave --help'
  // yargs: 'Invalid values:\n  Argument: role, Given: "owner", Choices: "admin", "member", "poster"'
  const invalid = /^Invalid values:\s+Argument: ([\w-]+), Given: "([^"]*)", Choices: ([^\n]*)/.exec(message)
  if (invalid !== null) {
    const [, name, given, list] = invalid as unknown as [string, string, string, string]
    const choices = [...list.matchAll(/"([^"]*)"/g)].map(m => m[1]!)
    const spec = COMMANDS.find(c => c.command.split(' ')[0] === command)?.command ?? ''
    const what = spec.includes(`<${name}>`) || spec.includes(`[${name}]`) ? name.toUpperCase() : `--${name}`
    const one = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)!}` : choices.join('')
    return new UsageError(`${what} must be ${one}, got '${given}'`, { hint: `run '${where}' for usage` })
  }
  const text = unknown !== null ? `unknown option ${unknown[1]!.split(', ').map(o => (o.length === 1 ? '-' : '--') + o).join(', ')}` : message.charAt(0).toLowerCase() + message.slice(1)
  return new UsageError(text, { hint: `run '${where}' for usage` })
}

/** Runs one command line; returns the exit code. The only caller that exits is src/main.ts. */
export async function runCli (argv: string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  let exitCode: number = ExitCode.OK
  let out = new Output(io)
  const y = globalOptions(yargs(), io.env)
    .scriptName('conclave')
    .usage('$0 <command> [options]\n\nServerless, end-to-end encrypted group chat for terminals and shell scripts.')
    .middleware(envMiddleware(io.env, argv) as any, true)
    .strict()
    .demandCommand(1, 'say which command to run')
    .recommendCommands()
    .completion('completion', 'print a bash/zsh completion script (conclave completion >> ~/.bashrc)')
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .epilogue(EPILOGUE)
    .wrap(Math.min(100, (io.stdout as { columns?: number }).columns ?? 100))
    .fail((message, err) => { throw err ?? usageError(message, argv) })

  for (const command of COMMANDS) {
    y.command({
      command: command.command,
      describe: command.describe,
      builder: command.builder,
      handler: async (args: any) => {
        out = new Output(io, { json: args.json, quiet: args.quiet, verbose: args.verbose })
        const ctx: CommandContext = { io, out, globals: args as GlobalArgs, ...(deps.connect !== undefined ? { connect: deps.connect } : {}) }
        exitCode = (await command.run(ctx, args)) ?? ExitCode.OK
      }
    })
  }

  try {
    const printed = await new Promise<string>((resolve, reject) => {
      y.parseAsync(argv, {}, (err, _args, output) => {
        if (err !== null && err !== undefined) reject(err)
        else resolve(output)
      }).catch(reject)
    })
    if (printed !== '') io.stdout.write(printed.endsWith('\n') ? printed : printed + '\n')
    return exitCode
  } catch (err) {
    out.error(err)
    return err instanceof ConclaveError ? err.exitCode : ExitCode.FAILURE
  }
}
