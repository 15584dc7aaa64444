import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum Role {
  ROLE_UNSPECIFIED = 'ROLE_UNSPECIFIED',
  ADMIN = 'ADMIN',
  MEMBER = 'MEMBER',
  POSTER = 'POSTER'
}

enum __RoleValues {
  ROLE_UNSPECIFIED = 0,
  ADMIN = 1,
  MEMBER = 2,
  POSTER = 3
}

export namespace Role {
  export const codec = (): Codec<Role> => {
    return enumeration<Role>(__RoleValues)
  }
}

export interface Ticket {
  version: number
  roomId: Uint8Array<ArrayBuffer>
  roomName: string
  role: Role
  expiresMs: number
  maxUses: number
  inviteSeed: Uint8Array<ArrayBuffer>
  inviterPeerId: Uint8Array<ArrayBuffer>
  addrs: Uint8Array<ArrayBuffer>[]
}

export namespace Ticket {
  let _codec: Codec<Ticket>

  export const codec = (): Codec<Ticket> => {
    if (_codec == null) {
      _codec = message<Ticket>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.roomId != null && obj.roomId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.roomId)
        }

        if ((obj.roomName != null && obj.roomName !== '')) {
          w.uint32(26)
          w.string(obj.roomName)
        }

        if (obj.role != null && __RoleValues[obj.role] !== 0) {
          w.uint32(32)
          Role.codec().encode(obj.role, w)
        }

        if ((obj.expiresMs != null && obj.expiresMs !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.expiresMs)
        }

        if ((obj.maxUses != null && obj.maxUses !== 0)) {
          w.uint32(48)
          w.uint32(obj.maxUses)
        }

        if ((obj.inviteSeed != null && obj.inviteSeed.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.inviteSeed)
        }

        if ((obj.inviterPeerId != null && obj.inviterPeerId.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.inviterPeerId)
        }

        if (obj.addrs != null && obj.addrs.length > 0) {
          for (const value of obj.addrs) {
            w.uint32(74)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          roomId: uint8ArrayAlloc(0),
          roomName: '',
          role: Role.ROLE_UNSPECIFIED,
          expiresMs: 0,
          maxUses: 0,
          inviteSeed: uint8ArrayAlloc(0),
          inviterPeerId: uint8ArrayAlloc(0),
          addrs: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.roomId = reader.bytes()
              break
            }
            case 3: {
              obj.roomName = reader.string()
              break
            }
            case 4: {
              obj.role = Role.codec().decode(reader)
              break
            }
            case 5: {
              obj.expiresMs = reader.uint64Number()
              break
            }
            case 6: {
              obj.maxUses = reader.uint32()
              break
            }
            case 7: {
              obj.inviteSeed = reader.bytes()
              break
            }
            case 8: {
              obj.inviterPeerId = reader.bytes()
              break
            }
            case 9: {
              if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
              }

              obj.addrs.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          addrs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.roomId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.roomName`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.role`,
                value: Role.codec().decode(reader)
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.expiresMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.maxUses`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.inviteSeed`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.inviterPeerId`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements')
              }

              yield {
                field: `${prefix}.addrs[]`,
                index: obj.addrs,
                value: reader.bytes()
              }

              obj.addrs++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface TicketVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface TicketRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TicketRoomNameFieldEvent {
    field: '$.roomName'
    value: string
  }

  export interface TicketRoleFieldEvent {
    field: '$.role'
    value: Role
  }

  export interface TicketExpiresMsFieldEvent {
    field: '$.expiresMs'
    value: number
  }

  export interface TicketMaxUsesFieldEvent {
    field: '$.maxUses'
    value: number
  }

  export interface TicketInviteSeedFieldEvent {
    field: '$.inviteSeed'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TicketInviterPeerIdFieldEvent {
    field: '$.inviterPeerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TicketAddrsFieldEvent {
    field: '$.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Ticket>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Ticket.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ticket>): Ticket {
    return decodeMessage(buf, Ticket.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ticket>): Generator<TicketVersionFieldEvent | TicketRoomIdFieldEvent | TicketRoomNameFieldEvent | TicketRoleFieldEvent | TicketExpiresMsFieldEvent | TicketMaxUsesFieldEvent | TicketInviteSeedFieldEvent | TicketInviterPeerIdFieldEvent | TicketAddrsFieldEvent> {
    return streamMessage(buf, Ticket.codec(), opts)
  }
}
