// Named error classes: library code throws these; only src/main.ts turns them into
// `conclave: error: …` / `conclave: hint: …` lines and an exit code (SPEC.md section 2).

/** Exit codes of SPEC.md section 2. */
export const ExitCode = {
  OK: 0,
  /** operational failure */
  FAILURE: 1,
  /** bad input: usage, unknown room, malformed/expired ticket, wrong passphrase, corrupt file */
  BAD_INPUT: 2,
  /** delivery not confirmed in time */
  NOT_DELIVERED: 3
} as const
export type ExitCode = typeof ExitCode[keyof typeof ExitCode]

/** Base class: an expected failure with a user-facing message, an exit code and an optional hint. */
export class ConclaveError extends Error {
  override name = 'ConclaveError'
  readonly exitCode: ExitCode = ExitCode.FAILURE
  readonly hint?: string

  constructor (message: string, options: { hint?: string, cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    if (options.hint !== undefined) this.hint = options.hint
  }
}

/** Bad command line: unknown option, missing argument, value out of range. */
export class UsageError extends ConclaveError {
  override name = 'UsageError'
  override readonly exitCode = ExitCode.BAD_INPUT
}

/** The identity is encrypted and the passphrase given does not open it. */
export class WrongPassphraseError extends ConclaveError {
  override name = 'WrongPassphraseError'
  override readonly exitCode = ExitCode.BAD_INPUT
  constructor (options: { hint?: string } = {}) {
    super('wrong passphrase', options)
  }
}

/** A passphrase is needed but none can be obtained (no env var, no file, no TTY). */
export class PassphraseRequiredError extends ConclaveError {
  override name = 'PassphraseRequiredError'
  override readonly exitCode = ExitCode.BAD_INPUT
}

/** A file of ours (identity, store, journal) is unreadable, truncated, foreign or tampered with. */
export class CorruptFileError extends ConclaveError {
  override name = 'CorruptFileError'
  override readonly exitCode = ExitCode.BAD_INPUT
}

/** Another process holds the store's writer lock. */
export class StoreLockedError extends ConclaveError {
  override name = 'StoreLockedError'
  override readonly exitCode = ExitCode.FAILURE
}

/** Bytes that do not decode: wrong length, bad encoding, over a size limit. */
export class MalformedInputError extends ConclaveError {
  override name = 'MalformedInputError'
  override readonly exitCode = ExitCode.BAD_INPUT
}

/** A cryptographic check failed (AEAD tag, signature). Never carries secret material. */
export class CryptoError extends ConclaveError {
  override name = 'CryptoError'
  override readonly exitCode = ExitCode.BAD_INPUT
}
