// Owner-signed sender keys: the owner of a chain signs each SenderKey it hands out, so members can
// relay one another's chains and none can forge one (docs/PROTOCOL.md "Signed distribution").
import { ed25519Verify, sha256, type Ed25519PrivateKey } from '../crypto/index.js'
import { decodeSenderKey, encodeSenderKey, senderKeySigningInput, type SenderKey } from '../wire/envelope.js'

/** KEY as handed out by its owner OWNERKEY while its log head is LOGSEQ: the encoded, signed bytes. */
export function signSenderKey (key: SenderKey, ownerKey: Ed25519PrivateKey, signedMs: number): Uint8Array {
  const signed = { ...key, signedMs }
  signed.signature = ownerKey.sign(senderKeySigningInput(signed, sha256(key.chainKey))) as Uint8Array<ArrayBuffer>
  return encodeSenderKey(signed)
}

/** Whether KEY carries a valid signature of its sender (the chain's owner). */
export function senderKeySigned (key: SenderKey): boolean {
  return key.signature.length === 64 && ed25519Verify(key.sender, senderKeySigningInput(key, sha256(key.chainKey)), key.signature)
}

/** Decodes BYTES and checks the owner's signature; undefined when either fails. */
export function verifiedSenderKey (bytes: Uint8Array): SenderKey | undefined {
  try {
    const key = decodeSenderKey(bytes)
    return senderKeySigned(key) ? key : undefined
  } catch {
    return undefined
  }
}
