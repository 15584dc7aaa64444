// Shared by the join and keys handshakes: the sealed counter-nonce channel, key derivation, frame reading and step order.
import { X25519PrivateKey, aeadOpen, aeadSeal, hkdfSha256, wipe } from '../crypto/index.js'
import { CryptoError, HandshakeError, MalformedInputError } from '../errors.js'
import * as w from '../wire/handshake.js'

export const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0

/** One direction's key each way; nonces count frames from 0 (every key is fresh per session). */
export class Channel {
  readonly #sendKey: Uint8Array
  readonly #recvKey: Uint8Array
  #sent = 0
  #received = 0

  constructor (sendKey: Uint8Array, recvKey: Uint8Array) {
    this.#sendKey = sendKey
    this.#recvKey = recvKey
  }

  seal (label: string, plaintext: Uint8Array): Uint8Array {
    const sealed = aeadSeal('chacha20-poly1305', this.#sendKey, w.counterNonce(this.#sent++), plaintext, w.labelled(label))
    return w.encodeFrame({ type: 'sealed', bytes: sealed })
  }

  open (label: string, sealed: Uint8Array): Uint8Array {
    try {
      return aeadOpen('chacha20-poly1305', this.#recvKey, w.counterNonce(this.#received++), sealed, w.labelled(label))
    } catch (err) {
      if (err instanceof CryptoError) throw new HandshakeError('a sealed handshake frame failed authentication')
      throw err
    }
  }

  close (): void { wipe(this.#sendKey); wipe(this.#recvKey) }
}

/** X25519 + HKDF-SHA256(ikm = shared, salt = th1, info = label, 64): the two 32-byte direction keys. */
export function deriveKeys (eph: X25519PrivateKey, peerEphemeral: Uint8Array, th1: Uint8Array, info: string): [Uint8Array, Uint8Array] {
  let shared: Uint8Array
  try {
    shared = eph.agree(peerEphemeral)
  } catch (err) {
    if (err instanceof CryptoError) throw new HandshakeError('the peer sent an unusable ephemeral key')
    throw err
  }
  const okm = hkdfSha256(shared, th1, w.labelled(info), 64)
  wipe(shared)
  const keys: [Uint8Array, Uint8Array] = [okm.slice(0, 32), okm.slice(32)]
  wipe(okm)
  return keys
}

/** Decodes a frame and checks its type; a malformed frame is a HandshakeError. */
export function readFrame (bytes: Uint8Array, ...types: w.FrameType[]): w.Frame {
  let frame: w.Frame
  try {
    frame = w.decodeFrame(bytes)
  } catch (err) {
    if (err instanceof MalformedInputError) throw new HandshakeError(`malformed handshake frame: ${err.message}`)
    throw err
  }
  if (!types.includes(frame.type)) throw new HandshakeError(`unexpected ${frame.type} frame (expected ${types.join(' or ')})`)
  return frame
}

/** Runs a wire decoder; MalformedInputError becomes HandshakeError. */
export function parse<T> (decode: (b: Uint8Array) => T, bytes: Uint8Array): T {
  try {
    return decode(bytes)
  } catch (err) {
    if (err instanceof MalformedInputError) throw new HandshakeError(`malformed handshake message: ${err.message}`)
    throw err
  }
}

/** Guards the order of steps; after any failure the machine stays failed. */
export class Steps<S extends string> {
  #step: S | 'failed'
  constructor (first: S) { this.#step = first }
  get current (): S | 'failed' { return this.#step }
  run<T> (expected: S, next: S, fn: () => T): T {
    if (this.#step !== expected) throw new HandshakeError(`handshake step out of order (at '${this.#step}', called for '${expected}')`)
    try {
      const out = fn()
      this.#step = next
      return out
    } catch (err) {
      this.#step = 'failed'
      throw err
    }
  }
}
