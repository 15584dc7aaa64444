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
  NOT_DELIVERED: 3,
  /** stopped by Ctrl-C (128 + SIGINT), after what was read was delivered */
  INTERRUPTED: 130
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

/** The network layer failed: a node would not start, a dial or stream failed, a peer broke the framing. */
export class TransportError extends ConclaveError {
  override name = 'TransportError'
  override readonly exitCode = ExitCode.FAILURE
}

/** A frame or message is over the size limit (ours when sending, or a peer's when reading). */
export class FrameTooLargeError extends TransportError {
  override name = 'FrameTooLargeError'
}

/** A peer sent no whole frame within the read deadline; the stream was aborted. */
export class ReadTimeoutError extends TransportError {
  override name = 'ReadTimeoutError'
}

/** An invite ticket that is not one: bad prefix, bad base32, bad checksum, undecodable fields. */
export class MalformedTicketError extends ConclaveError {
  override name = 'MalformedTicketError'
  override readonly exitCode = ExitCode.BAD_INPUT
}

/** The invite ticket's expiry time has passed. */
export class TicketExpiredError extends ConclaveError {
  override name = 'TicketExpiredError'
  override readonly exitCode = ExitCode.BAD_INPUT
}

/** The invite ticket has been used as many times as it allows. */
export class TicketUsedUpError extends ConclaveError {
  override name = 'TicketUsedUpError'
  override readonly exitCode = ExitCode.BAD_INPUT
}

/** The invite ticket was revoked (explicitly, or its issuing admin is no longer an admin). */
export class TicketRevokedError extends ConclaveError {
  override name = 'TicketRevokedError'
  override readonly exitCode = ExitCode.BAD_INPUT
}

/** A membership log (received or stored) fails verification; the message names the entry and the reason. */
export class MembershipLogError extends ConclaveError {
  override name = 'MembershipLogError'
  override readonly exitCode = ExitCode.FAILURE
}

/** Two valid membership logs of one room disagree at some entry: refused, never merged. */
export class LogForkError extends MembershipLogError {
  override name = 'LogForkError'
}

/** A join or keys handshake failed: bad signature, tampered or unexpected frame, wrong peer. */
export class HandshakeError extends ConclaveError {
  override name = 'HandshakeError'
  override readonly exitCode = ExitCode.FAILURE
}

/** The admin refused the join for a reason other than expired / used up / revoked (those have their own classes). */
export class JoinRefusedError extends ConclaveError {
  override name = 'JoinRefusedError'
  override readonly exitCode: ExitCode
  /** The refusal code as the wire names it (UNKNOWN_INVITE, NOT_ADMIN, …). */
  readonly code: string
  /** False for a refusal from a peer that could not prove it may refuse (the join goes on elsewhere). */
  readonly final: boolean

  constructor (code: string, message: string, options: { hint?: string, exitCode?: ExitCode, final?: boolean } = {}) {
    super(message, options)
    this.code = code
    this.exitCode = options.exitCode ?? ExitCode.BAD_INPUT
    this.final = options.final ?? true
  }
}

/** Nobody in the room could be reached in time (`send`): exit 3 with a hint. */
export class NobodyReachableError extends ConclaveError {
  override name = 'NobodyReachableError'
  override readonly exitCode = ExitCode.NOT_DELIVERED
}

/** `send --wait N`: fewer than N members confirmed receipt in time (exit 3); RECEIPTS says how many did. */
export class NotConfirmedError extends ConclaveError {
  override name = 'NotConfirmedError'
  override readonly exitCode = ExitCode.NOT_DELIVERED
  readonly receipts: number
  constructor (message: string, options: { hint?: string, receipts: number }) {
    super(message, options)
    this.receipts = options.receipts
  }
}

/** An error the home's node answered with: same message, hint and exit code as it had there. */
export class RemoteError extends ConclaveError {
  override name = 'RemoteError'
  override readonly exitCode: ExitCode
  constructor (message: string, options: { hint?: string, exitCode: ExitCode }) {
    super(message, options)
    this.exitCode = options.exitCode
  }
}

/** The signal that ended a long-running command (Ctrl-C: exit 130 after what was read is delivered). */
export class InterruptedError extends ConclaveError {
  override name = 'InterruptedError'
  override readonly exitCode = ExitCode.INTERRUPTED
}
