// The libp2p peer identity derived from a stored Ed25519 seed (kept apart from the member key).
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'

/** The libp2p private key for a 32-byte Ed25519 seed. */
export async function peerPrivateKeyFromSeed (seed: Uint8Array): Promise<PrivateKey> {
  return generateKeyPairFromSeed('Ed25519', seed)
}

/** The peer id string (12D3KooW…) of a 32-byte Ed25519 seed. */
export async function peerIdFromSeed (seed: Uint8Array): Promise<string> {
  return peerIdFromPrivateKey(await peerPrivateKeyFromSeed(seed)).toString()
}
