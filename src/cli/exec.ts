// `listen --exec CMD`: runs CMD once per message with the text on stdin and the verified metadata
// in CONCLAVE_MSG_* environment variables. CMD is the user's own command line, run by /bin/sh -c;
// message content is never put into a command line. At most N run at once; the rest wait in order.
import { spawn } from 'node:child_process'
import { resolve as resolvePath } from 'node:path'
import type { ShownMessage } from '../room/service.js'
import { EXEC_ENV_PREFIX } from './env.js'
import type { Output } from './output.js'

/** Waiting messages beyond this are reported (the queue is kept, never dropped silently). */
const QUEUE_WARN = 1000

/** The metadata variables a command gets, in this order (README, `listen --help`). */
export const EXEC_VARIABLES = ['ROOM', 'ROOM_ID', 'ID', 'FROM', 'FROM_NAME', 'TS', 'TITLE', 'PRIORITY', 'TAGS'].map(n => EXEC_ENV_PREFIX + n)

/**
 * The environment of one --exec command: BASE without any CONCLAVE_* variable (secrets such as
 * CONCLAVE_PASSPHRASE or CONCLAVE_TOKEN, and options a `conclave` run by CMD would read) except
 * CONCLAVE_HOME, which is set to HOME when given so that CMD's own `conclave send` reaches the
 * same home; then the message's metadata (empty strings for no title / no priority).
 */
export function execEnvironment (m: ShownMessage, base: NodeJS.ProcessEnv, home?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(base)) {
    if (!key.startsWith('CONCLAVE_') || key === 'CONCLAVE_HOME') env[key] = value
  }
  if (home !== undefined) env.CONCLAVE_HOME = resolvePath(home)
  const values = [m.room, m.roomId, m.id, m.from, m.fromName, m.ts, m.title ?? '', m.priority === null ? '' : String(m.priority), m.tags.join(',')]
  EXEC_VARIABLES.forEach((name, i) => { env[name] = values[i] })
  return env
}

export class ExecRunner {
  readonly #command: string
  readonly #concurrency: number
  readonly #env: NodeJS.ProcessEnv
  readonly #home: string | undefined
  readonly #out: Output
  readonly #queue: ShownMessage[] = []
  #running = 0
  #idle: Array<() => void> = []
  failures = 0

  /** HOME: the listener's home directory, handed to commands as CONCLAVE_HOME. */
  constructor (components: { out: Output, env: NodeJS.ProcessEnv, home?: string }, options: { command: string, concurrency: number }) {
    this.#command = options.command
    this.#concurrency = options.concurrency
    this.#env = components.env
    this.#home = components.home
    this.#out = components.out
  }

  push (m: ShownMessage): void {
    this.#queue.push(m)
    if (this.#queue.length === QUEUE_WARN) this.#out.warn(`${QUEUE_WARN} messages are waiting for --exec (raise --jobs or speed up the command)`)
    this.#next()
  }

  /** Resolves when every queued command has finished. */
  async drain (): Promise<void> {
    if (this.#running === 0 && this.#queue.length === 0) return
    await new Promise<void>(resolve => this.#idle.push(resolve))
  }

  #next (): void {
    while (this.#running < this.#concurrency && this.#queue.length > 0) {
      const m = this.#queue.shift()!
      this.#running++
      void this.#run(m).finally(() => {
        this.#running--
        this.#next()
        if (this.#running === 0 && this.#queue.length === 0) for (const resolve of this.#idle.splice(0)) resolve()
      })
    }
  }

  async #run (m: ShownMessage): Promise<void> {
    const child = spawn('/bin/sh', ['-c', this.#command], { env: execEnvironment(m, this.#env, this.#home), stdio: ['pipe', 'inherit', 'inherit'] })
    child.stdin.on('error', () => {}) // a command that does not read its stdin is fine
    child.stdin.end(m.text + '\n')
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve => {
      child.on('error', () => resolve([127, null]))
      child.on('close', (c, s) => resolve([c, s]))
    })
    if (code !== 0) {
      this.failures++
      this.#out.warn(`--exec command ${signal !== null ? `was killed by ${signal}` : `exited ${String(code)}`} for message ${m.id.slice(0, 16)} in '${m.room}'`)
    }
  }
}
