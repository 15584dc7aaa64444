// The libp2p peer identity derived from a stored Ed25519 seed (kept apart from the member key).
// The public half comes from node:crypto (OpenSSL); @libp2p/crypto's own derivation runs the
// pure-JS curve code and costs ~50-100 ms at start-up, on every command that touches the network.
import { createPrivateKey, createPublicKey } from 'node:crypto'
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

function ed25519PublicKey (seed: Uint8Array): Uint8Array {
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed])
  try {
    const jwk = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' })
    return new Uint8Array(Buffer.from(jwk.x!, 'base64url'))
  } finally {
    der.fill(0)
  }
}

/** The libp2p private key for a 32-byte Ed25519 seed. */
export async function peerPrivateKeyFromSeed (seed: Uint8Array): Promise<PrivateKey> {
  if (seed.length !== 32) throw new TypeError(`"seed" expected 32 bytes, got ${seed.length}`)
  const raw = new Uint8Array(64)
  raw.set(seed, 0)
  raw.set(ed25519PublicKey(seed), 32)
  return privateKeyFromRaw(raw)
}

/** The peer id string (12D3KooW…) of a 32-byte Ed25519 seed. */
export async function peerIdFromSeed (seed: Uint8Array): Promise<string> {
  return peerIdFromPrivateKey(await peerPrivateKeyFromSeed(seed)).toString()
}
