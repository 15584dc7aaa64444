// Text forms of the binary ids the room layer shows or accepts: room ids, peer ids, multiaddrs.
import { multiaddr } from '@multiformats/multiaddr'
import { fromString, toString } from 'uint8arrays'

/** Room ids print like member ids: lowercase base32 without padding (52 characters). */
export const roomIdText = (roomId: Uint8Array): string => toString(roomId, 'base32')
export const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')

/** A libp2p peer id string (base58btc of its multihash) ↔ the multihash bytes the log stores. */
export const peerIdText = (bytes: Uint8Array): string => toString(bytes, 'base58btc')
export const peerIdBytes = (text: string): Uint8Array => fromString(text, 'base58btc')

export const multiaddrBytes = (text: string): Uint8Array => multiaddr(text).bytes
export function multiaddrText (bytes: Uint8Array): string | undefined {
  try { return multiaddr(bytes).toString() } catch { return undefined }
}
