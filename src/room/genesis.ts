// Room genesis, room id and topic name, and the log-entry sign / hash primitives the creator and the membership log share.
import { Ed25519PrivateKey, randomBytes, sha256 } from '../crypto/index.js'
import {
  GENESIS_NONCE_LENGTH, GENESIS_VERSION, encodeGenesis, encodeLogEntry, encodeSignedLogEntry,
  logHashInput, logSigningInput, roomIdInput, topicFromDigest, topicInput,
  type Genesis, type LogEntry
} from '../wire/membership.js'

export interface CreatedRoom {
  genesis: Genesis
  /** Exact Genesis bytes: the room id is their hash. */
  genesisBytes: Uint8Array
  roomId: Uint8Array
  /** Gossipsub topic of the room. */
  topic: string
  /** The signed seq-0 log entry (SignedLogEntry bytes). */
  entry: Uint8Array
}

export interface GenesisOptions {
  /** Room name, 1..64 characters. */
  name: string
  /** The creator's display name. */
  creatorName: string
  /** The creator's libp2p peer id, as multihash bytes. */
  creatorPeerId: Uint8Array
  /** 16 bytes; random when absent (fixed only in test vectors). */
  nonce?: Uint8Array
  createdMs?: number
}

/** room_id = H("conclave room id v1\0" ‖ genesis_bytes). */
export function roomIdFromGenesis (genesisBytes: Uint8Array): Uint8Array {
  return sha256(roomIdInput(genesisBytes))
}

/** "/conclave/1/" + base32(H("conclave topic v1\0" ‖ room_id)): never derived from the name. */
export function topicForRoom (roomId: Uint8Array): string {
  return topicFromDigest(sha256(topicInput(roomId)))
}

/** Entry hash = H("conclave log hash v1\0" ‖ SignedLogEntry bytes): what the next entry's prev holds. */
export function logEntryHash (signedEntryBytes: Uint8Array): Uint8Array {
  return sha256(logHashInput(signedEntryBytes))
}

/** Encodes ENTRY and signs it with AUTHORKEY (whose public key must be entry.author); returns SignedLogEntry bytes. */
export function signLogEntry (authorKey: Ed25519PrivateKey, entry: LogEntry): Uint8Array {
  const entryBytes = encodeLogEntry(entry)
  return encodeSignedLogEntry({ entry: entryBytes, signature: authorKey.sign(logSigningInput(entryBytes)) })
}

/** A new room: its genesis, id, topic and the signed genesis entry (seq 0) of its membership log. */
export function createGenesis (creatorKey: Ed25519PrivateKey, options: GenesisOptions): CreatedRoom {
  const createdMs = options.createdMs ?? Date.now()
  const genesis: Genesis = {
    version: GENESIS_VERSION,
    creator: creatorKey.publicKey,
    name: options.name,
    nonce: options.nonce ?? randomBytes(GENESIS_NONCE_LENGTH),
    createdMs,
    creatorName: options.creatorName,
    creatorPeerId: options.creatorPeerId
  }
  const genesisBytes = encodeGenesis(genesis)
  const roomId = roomIdFromGenesis(genesisBytes)
  const entry = signLogEntry(creatorKey, {
    roomId,
    seq: 0,
    prev: new Uint8Array(0),
    author: genesis.creator,
    tsMs: createdMs,
    body: { type: 'genesis', bytes: genesisBytes, genesis }
  })
  return { genesis, genesisBytes, roomId, topic: topicForRoom(roomId), entry }
}
