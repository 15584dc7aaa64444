// Where a passphrase comes from: CONCLAVE_PASSPHRASE, --passphrase-file, else a no-echo prompt on
// the terminal itself (/dev/tty), never stdin.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { PASSPHRASE_MAX_BYTES } from '../config.js'
import { PassphraseRequiredError, UsageError } from '../errors.js'
import type { PassphraseSource } from '../room/identity.js'
import type { CliIo, Tty } from './io.js'

/** Reads at most PASSPHRASE_MAX_BYTES; strips one trailing newline (files made with echo). */
function readPassphraseFile (path: string): Uint8Array {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (err) {
    throw new UsageError(`cannot read passphrase file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`)
  }
  try {
    if (!fstatSync(fd).isFile()) throw new UsageError(`passphrase file ${path} is not a regular file`)
    const buf = Buffer.alloc(PASSPHRASE_MAX_BYTES + 1)
    const n = readSync(fd, buf, 0, buf.length, 0)
    if (n > PASSPHRASE_MAX_BYTES) throw new UsageError(`passphrase file ${path} is larger than ${PASSPHRASE_MAX_BYTES} bytes`)
    let end = n
    if (end > 0 && buf[end - 1] === 0x0a) end--
    if (end > 0 && buf[end - 1] === 0x0d) end--
    const out = new Uint8Array(buf.subarray(0, end))
    buf.fill(0)
    return out
  } finally {
    closeSync(fd)
  }
}

const CANCELLED = 'passphrase entry cancelled'

/**
 * Asks QUESTION on the terminal and reads one line without echo, in raw mode: Enter ends it,
 * Backspace deletes a character, Ctrl-U the line, Ctrl-C (or Ctrl-D on an empty line, or the
 * terminal going away) cancels. The mode is restored before returning. Never reads stdin.
 */
async function promptHidden (tty: Tty, question: string): Promise<Uint8Array> {
  const input = tty.input
  const chars: number[] = []
  let onData!: (chunk: Buffer) => void
  let onEnd!: () => void
  const answer = new Promise<Uint8Array>((resolve, reject) => {
    onEnd = () => reject(new UsageError(CANCELLED))
    onData = chunk => {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!
        if (byte === 0x03 || (byte === 0x04 && chars.length === 0)) { input.pause(); reject(new UsageError(CANCELLED)); return }
        if (byte === 0x0d || byte === 0x0a) {
          input.pause() // before unshift, or a flowing stream hands the rest straight back to this prompt
          if (i + 1 < chunk.length) input.unshift(chunk.subarray(i + 1)) // typed ahead: the next prompt's
          resolve(new Uint8Array(chars))
          return
        }
        if (byte === 0x7f || byte === 0x08) {
          while (chars.length > 0 && (chars[chars.length - 1]! & 0xc0) === 0x80) chars.pop() // UTF-8 continuation bytes
          chars.pop()
        } else if (byte === 0x15) {
          chars.length = 0
        } else if ((byte >= 0x20 || byte === 0x09) && chars.length < PASSPHRASE_MAX_BYTES) {
          chars.push(byte)
        }
      }
    }
  })
  input.setRawMode?.(true) // before the question: keys typed as soon as it shows must not echo
  tty.write(question)
  input.on('data', onData)
  for (const event of ['end', 'close', 'error']) input.once(event, onEnd)
  input.resume() // a 'data' listener alone does not restart a stream the previous prompt paused
  try {
    return await answer
  } finally {
    input.off('data', onData)
    for (const event of ['end', 'close', 'error']) input.off(event, onEnd)
    input.pause()
    input.setRawMode?.(false)
    chars.fill(0)
    tty.write('\n')
  }
}

/**
 * A PassphraseSource for the identity vault. Nothing is read until the vault asks, so an
 * unencrypted identity never touches the file or the terminal.
 */
export function passphraseSource (io: CliIo, passphraseFile: string | undefined): PassphraseSource {
  return {
    async get (purpose) {
      const fromEnv = io.env.CONCLAVE_PASSPHRASE
      if (fromEnv !== undefined && fromEnv !== '') return new TextEncoder().encode(fromEnv)
      if (passphraseFile !== undefined) return readPassphraseFile(passphraseFile)
      // A prompt only when someone is at a terminal (stdin or stderr is one) and the process has
      // one to read from; the answer comes from /dev/tty, so piped stdin stays data.
      const tty = io.stdinIsTTY || io.stderrIsTTY ? io.openTty?.() : undefined
      if (tty === undefined) {
        throw new PassphraseRequiredError(purpose === 'unlock' ? 'the identity is encrypted and no passphrase was given' : 'a passphrase is needed to encrypt the identity', {
          hint: 'set CONCLAVE_PASSPHRASE or pass --passphrase-file FILE'
        })
      }
      try {
        const first = await promptHidden(tty, purpose === 'unlock' ? 'Passphrase: ' : 'New passphrase: ')
        if (purpose === 'create') {
          const again = await promptHidden(tty, 'Repeat passphrase: ')
          const same = Buffer.compare(first, again) === 0
          again.fill(0)
          if (!same) throw new UsageError('the passphrases do not match')
        }
        return first
      } finally {
        tty.close()
      }
    }
  }
}
