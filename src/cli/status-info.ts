// The status report of a running node (for `status` and the daemon's GET /status).
import type { RoomService } from '../room/service.js'
import type { Transport } from '../transport/index.js'

export interface StatusInfo {
  daemon: boolean
  peerId: string
  memberId: string
  listen: string[]
  peers: string[]
  rooms: Array<{
    name: string
    roomId: string
    role: string | null
    members: number
    membersOnline: Array<{ name: string, memberId: string }>
    meshPeers: number
    lastMessage: string | null
    validator: Record<string, number>
  }>
}

export function statusInfo (service: RoomService, net: Transport, daemon: boolean): StatusInfo {
  const rooms = service.rooms().map(room => {
    const last = service.history(room, { limit: 1 })[0]
    const online = service.connectedMembers(room)
    return {
      name: room.name,
      roomId: room.id,
      role: room.log.roleOf(service.identity.memberPublicKey) ?? null,
      members: room.log.members().length,
      membersOnline: service.members(room).filter(m => online.includes(m.peerId)).map(m => ({ name: m.name, memberId: m.memberId })),
      meshPeers: net.meshPeers(room.topic).length,
      lastMessage: last?.ts ?? null,
      validator: { ...room.counters }
    }
  })
  return { daemon, peerId: net.peerId, memberId: service.identity.memberId, listen: net.multiaddrs(), peers: net.connections(), rooms }
}
