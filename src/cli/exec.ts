// `listen --exec CMD`: runs CMD once per message with the text on stdin and the verified metadata
// in environment variables. CMD is the user's own command line, run by /bin/sh -c; message
// content is never put into a command line. At most N run at once; the rest wait in order.
import { spawn } from 'node:child_process'
import type { ShownMessage } from '../room/service.js'
import type { Output } from './output.js'

/** Waiting messages beyond this are reported (the queue is kept, never dropped silently). */
const QUEUE_WARN = 1000

export function execEnvironment (m: ShownMessage, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...base,
    CONCLAVE_ROOM: m.room,
    CONCLAVE_ROOM_ID: m.roomId,
    CONCLAVE_ID: m.id,
    CONCLAVE_FROM: m.from,
    CONCLAVE_FROM_NAME: m.fromName,
    CONCLAVE_TS: m.ts,
    CONCLAVE_TITLE: m.title ?? '',
    CONCLAVE_PRIORITY: String(m.priority),
    CONCLAVE_TAGS: m.tags.join(',')
  }
}

export class ExecRunner {
  readonly #command: string
  readonly #concurrency: number
  readonly #env: NodeJS.ProcessEnv
  readonly #out: Output
  readonly #queue: ShownMessage[] = []
  #running = 0
  #idle: Array<() => void> = []
  failures = 0

  constructor (components: { out: Output, env: NodeJS.ProcessEnv }, options: { command: string, concurrency: number }) {
    this.#command = options.command
    this.#concurrency = options.concurrency
    this.#env = components.env
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
    const child = spawn('/bin/sh', ['-c', this.#command], { env: execEnvironment(m, this.#env), stdio: ['pipe', 'inherit', 'inherit'] })
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
