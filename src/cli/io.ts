// The process boundary the CLI talks through, injectable so tests run commands in-process.
import { closeSync, openSync, writeSync } from 'node:fs'
import type { Readable, Writable } from 'node:stream'
import { ReadStream } from 'node:tty'

/** The terminal itself (/dev/tty), for prompts that must not read stdin (stdin stays data). */
export interface Tty {
  /** keystrokes; raw mode (no echo, no line editing) when setRawMode exists */
  input: Readable & { setRawMode?: (raw: boolean) => unknown }
  /** writes to the terminal (not to stdout or stderr) */
  write: (text: string) => void
  /** releases the terminal (leave raw mode first) */
  close: () => void
}

export interface CliIo {
  stdin: Readable
  stdout: Writable
  stderr: Writable
  env: NodeJS.ProcessEnv
  /** stdin is an interactive terminal (prompts and interactive chat are allowed) */
  stdinIsTTY: boolean
  /** stderr is a terminal (colors allowed unless NO_COLOR) */
  stderrIsTTY: boolean
  /** opens the controlling terminal, or undefined when there is none (absent: never a terminal) */
  openTty?: () => Tty | undefined
}

/** /dev/tty of this process, or undefined (no controlling terminal: cron, systemd, setsid). */
function openProcessTty (): Tty | undefined {
  let fd: number
  try {
    fd = openSync('/dev/tty', 'r+')
  } catch {
    return undefined
  }
  let input: ReadStream
  try {
    input = new ReadStream(fd)
  } catch {
    closeSync(fd)
    return undefined
  }
  // libuv reads through its own reopened descriptor and closes that one; FD stays ours.
  input.once('close', () => { try { closeSync(fd) } catch {} })
  return {
    input,
    write: text => { writeSync(fd, text) },
    close: () => { input.destroy() }
  }
}

export function processIo (): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdinIsTTY: process.stdin.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    openTty: openProcessTty
  }
}
