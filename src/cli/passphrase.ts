// Where a passphrase comes from: CONCLAVE_PASSPHRASE, --passphrase-file, else a no-echo prompt on a TTY.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { PASSPHRASE_MAX_BYTES } from '../config.js'
import { PassphraseRequiredError, UsageError } from '../errors.js'
import type { PassphraseSource } from '../room/identity.js'
import type { CliIo } from './io.js'

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

/** Prompts on the terminal without echo; Ctrl-C aborts. */
async function promptHidden (io: CliIo, question: string): Promise<Uint8Array> {
  const stdin = io.stdin as NodeJS.ReadStream
  io.stderr.write(question)
  const wasRaw = stdin.isRaw
  stdin.setRawMode?.(true)
  stdin.resume()
  try {
    const chars: number[] = []
    for await (const chunk of stdin) {
      for (const byte of chunk as Buffer) {
        if (byte === 0x03) throw new UsageError('passphrase entry cancelled')
        if (byte === 0x0d || byte === 0x0a) return new Uint8Array(chars)
        if (byte === 0x7f || byte === 0x08) chars.pop()
        else if (chars.length < PASSPHRASE_MAX_BYTES) chars.push(byte)
      }
    }
    throw new UsageError('passphrase entry cancelled')
  } finally {
    stdin.setRawMode?.(wasRaw)
    stdin.pause()
    io.stderr.write('\n')
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
      if (!io.stdinIsTTY) {
        throw new PassphraseRequiredError(purpose === 'unlock' ? 'the identity is encrypted and no passphrase was given' : 'a passphrase is needed to encrypt the identity', {
          hint: 'set CONCLAVE_PASSPHRASE or pass --passphrase-file FILE'
        })
      }
      const first = await promptHidden(io, purpose === 'unlock' ? 'Passphrase: ' : 'New passphrase: ')
      if (purpose === 'create') {
        const again = await promptHidden(io, 'Repeat passphrase: ')
        if (Buffer.compare(first, again) !== 0) throw new UsageError('the passphrases do not match')
      }
      return first
    }
  }
}
