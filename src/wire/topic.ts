// Gossipsub topic names of rooms: the label and prefix; the room layer supplies the hash (wire never hashes).
import { toString as u8ToString } from 'uint8arrays'
import { MalformedInputError } from '../errors.js'
import { ROOM_ID_LENGTH } from './envelope.js'

/** Every room topic starts with this; the rest is derived from the room id, never from the room's name. */
export const TOPIC_PREFIX = '/conclave/1/'
/** Domain-separation label: topic = TOPIC_PREFIX + base32(SHA-256(TOPIC_LABEL ‖ room_id)). */
export const TOPIC_LABEL = 'conclave topic v1\0'
const TOPIC_DIGEST_LENGTH = 32

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s)

/** The bytes whose SHA-256 names the room's topic: TOPIC_LABEL ‖ room_id. */
export function topicHashInput (roomId: Uint8Array): Uint8Array {
  if (!(roomId instanceof Uint8Array) || roomId.length !== ROOM_ID_LENGTH) {
    throw new MalformedInputError(`"roomId" expected ${ROOM_ID_LENGTH} bytes, got ${roomId instanceof Uint8Array ? roomId.length : typeof roomId}`)
  }
  const label = ascii(TOPIC_LABEL)
  const out = new Uint8Array(label.length + roomId.length)
  out.set(label)
  out.set(roomId, label.length)
  return out
}

/** The topic string for a digest of topicHashInput(): '/conclave/1/' + lowercase base32 without padding (52 chars). */
export function topicFromDigest (digest: Uint8Array): string {
  if (!(digest instanceof Uint8Array) || digest.length !== TOPIC_DIGEST_LENGTH) {
    throw new MalformedInputError(`"digest" expected ${TOPIC_DIGEST_LENGTH} bytes, got ${digest instanceof Uint8Array ? digest.length : typeof digest}`)
  }
  return TOPIC_PREFIX + u8ToString(digest, 'base32')
}
