// The libp2p 3 node configuration: TCP + Noise + Yamux, identify, gossipsub, mDNS (dialled) and bootstrap.
import { bootstrap } from '@libp2p/bootstrap'
import { gossipsub } from '@libp2p/gossipsub'
import type { GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Identify } from '@libp2p/identify'
import type { ComponentLogger, Libp2p, PrivateKey } from '@libp2p/interface'
import { mdns } from '@libp2p/mdns'
import { noise } from '@libp2p/noise'
import { noiseCrypto } from './noise-crypto.js'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { Libp2pOptions } from 'libp2p'
import { TransportError } from '../errors.js'
import { gossipsubInit } from './pubsub.js'
import { STREAM_MAX_WINDOW_BYTES } from './streams.js'

export interface NodeServices extends Record<string, unknown> {
  identify: Identify
  pubsub: GossipSub
}

export type ConclaveLibp2p = Libp2p<NodeServices>

export interface NodeComponents {
  /** The stored libp2p peer key (see peer-key.ts); never generated here, so the peer id is stable. */
  privateKey: PrivateKey
  logger?: ComponentLogger
}

export interface NodeOptions {
  listen: string[]
  /** Multiaddrs with /p2p/<id>; empty: no bootstrap module at all (never a default public list). */
  bootstrap: string[]
  mdns: boolean
  maxMessageBytes: number
  /** Peers refused for now (flooders, see Transport.ban): the connection gater asks it. */
  isBanned?: (peerId: string) => boolean
}

/**
 * Inbound connection attempts accepted per second from one host (libp2p's default is 5; the
 * 6th is refused silently). Scripts that run `conclave send` in a loop from one machine, and
 * several members behind one NAT, need more. No address is exempt, loopback included: a local
 * process is a peer like any other.
 */
const INBOUND_CONNECTIONS_PER_SECOND = 25
/** Maximum open connections: rooms are small and peers are few; libp2p's default is 300. */
const MAX_CONNECTIONS = 200
/** mDNS query interval (ms): the package default of 10 s is slow to notice a newcomer on a LAN. */
const MDNS_INTERVAL_MS = 5000

/** Create and start a libp2p node. Throws TransportError when it cannot listen. */
export async function createNode (components: NodeComponents, options: NodeOptions): Promise<ConclaveLibp2p> {
  for (const addr of [...options.listen, ...options.bootstrap]) {
    try {
      multiaddr(addr)
    } catch (err) {
      throw new TransportError(`not a multiaddr: ${addr}`, { cause: err, hint: 'write addresses like /ip4/127.0.0.1/tcp/4001' })
    }
  }
  const peerDiscovery: NonNullable<Libp2pOptions<NodeServices>['peerDiscovery']> = []
  if (options.mdns) peerDiscovery.push(mdns({ interval: MDNS_INTERVAL_MS }))
  // The bootstrap module dials its list itself; timeout 0 because its default waits 1 s first.
  if (options.bootstrap.length > 0) peerDiscovery.push(bootstrap({ list: options.bootstrap, timeout: 0 }))

  try {
    const node = await createLibp2p<NodeServices>({
      privateKey: components.privateKey,
      ...(components.logger !== undefined ? { logger: components.logger } : {}),
      addresses: { listen: options.listen },
      transports: [tcp()],
      connectionEncrypters: [noise({ crypto: noiseCrypto })],
      // A bounded per-stream window so a paused reader really stops its sender (streams.ts).
      streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: STREAM_MAX_WINDOW_BYTES } })],
      peerDiscovery,
      connectionGater: {
        denyDialPeer: (peerId) => options.isBanned?.(peerId.toString()) ?? false,
        denyInboundEncryptedConnection: (peerId) => options.isBanned?.(peerId.toString()) ?? false
      },
      connectionManager: {
        inboundConnectionThreshold: INBOUND_CONNECTIONS_PER_SECOND,
        maxConnections: MAX_CONNECTIONS
      },
      services: {
        // gossipsub declares identify as a dependency (it learns protocols from it).
        identify: identify(),
        pubsub: gossipsub(gossipsubInit(options.maxMessageBytes))
      }
    })
    return node
  } catch (err) {
    throw new TransportError(`could not start the network node: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
      hint: 'check the --listen addresses (is the port already in use?)'
    })
  }
}
