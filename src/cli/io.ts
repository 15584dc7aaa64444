// The process boundary the CLI talks through, injectable so tests run commands in-process.
import type { Readable, Writable } from 'node:stream'

export interface CliIo {
  stdin: Readable
  stdout: Writable
  stderr: Writable
  env: NodeJS.ProcessEnv
  /** stdin is an interactive terminal (prompts and interactive chat are allowed) */
  stdinIsTTY: boolean
  /** stderr is a terminal (colors allowed unless NO_COLOR) */
  stderrIsTTY: boolean
}

export function processIo (): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdinIsTTY: process.stdin.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true
  }
}
