import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
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

export interface Genesis {
  version: number
  creator: Uint8Array<ArrayBuffer>
  name: string
  nonce: Uint8Array<ArrayBuffer>
  createdMs: number
  creatorName: string
  creatorPeerId: Uint8Array<ArrayBuffer>
}

export namespace Genesis {
  let _codec: Codec<Genesis>

  export const codec = (): Codec<Genesis> => {
    if (_codec == null) {
      _codec = message<Genesis>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.creator != null && obj.creator.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.creator)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(26)
          w.string(obj.name)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.nonce)
        }

        if ((obj.createdMs != null && obj.createdMs !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.createdMs)
        }

        if ((obj.creatorName != null && obj.creatorName !== '')) {
          w.uint32(50)
          w.string(obj.creatorName)
        }

        if ((obj.creatorPeerId != null && obj.creatorPeerId.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.creatorPeerId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          creator: uint8ArrayAlloc(0),
          name: '',
          nonce: uint8ArrayAlloc(0),
          createdMs: 0,
          creatorName: '',
          creatorPeerId: uint8ArrayAlloc(0)
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
              obj.creator = reader.bytes()
              break
            }
            case 3: {
              obj.name = reader.string()
              break
            }
            case 4: {
              obj.nonce = reader.bytes()
              break
            }
            case 5: {
              obj.createdMs = reader.uint64Number()
              break
            }
            case 6: {
              obj.creatorName = reader.string()
              break
            }
            case 7: {
              obj.creatorPeerId = reader.bytes()
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
                field: `${prefix}.creator`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.createdMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.creatorName`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.creatorPeerId`,
                value: reader.bytes()
              }
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

  export interface GenesisVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface GenesisCreatorFieldEvent {
    field: '$.creator'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GenesisNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface GenesisNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GenesisCreatedMsFieldEvent {
    field: '$.createdMs'
    value: number
  }

  export interface GenesisCreatorNameFieldEvent {
    field: '$.creatorName'
    value: string
  }

  export interface GenesisCreatorPeerIdFieldEvent {
    field: '$.creatorPeerId'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Genesis>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Genesis.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Genesis>): Genesis {
    return decodeMessage(buf, Genesis.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Genesis>): Generator<GenesisVersionFieldEvent | GenesisCreatorFieldEvent | GenesisNameFieldEvent | GenesisNonceFieldEvent | GenesisCreatedMsFieldEvent | GenesisCreatorNameFieldEvent | GenesisCreatorPeerIdFieldEvent> {
    return streamMessage(buf, Genesis.codec(), opts)
  }
}

export interface Invite {
  inviteKey: Uint8Array<ArrayBuffer>
  role: Role
  expiresMs: number
  maxUses: number
}

export namespace Invite {
  let _codec: Codec<Invite>

  export const codec = (): Codec<Invite> => {
    if (_codec == null) {
      _codec = message<Invite>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.inviteKey != null && obj.inviteKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.inviteKey)
        }

        if (obj.role != null && __RoleValues[obj.role] !== 0) {
          w.uint32(16)
          Role.codec().encode(obj.role, w)
        }

        if ((obj.expiresMs != null && obj.expiresMs !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.expiresMs)
        }

        if ((obj.maxUses != null && obj.maxUses !== 0)) {
          w.uint32(32)
          w.uint32(obj.maxUses)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          inviteKey: uint8ArrayAlloc(0),
          role: Role.ROLE_UNSPECIFIED,
          expiresMs: 0,
          maxUses: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.inviteKey = reader.bytes()
              break
            }
            case 2: {
              obj.role = Role.codec().decode(reader)
              break
            }
            case 3: {
              obj.expiresMs = reader.uint64Number()
              break
            }
            case 4: {
              obj.maxUses = reader.uint32()
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.inviteKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.role`,
                value: Role.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.expiresMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.maxUses`,
                value: reader.uint32()
              }
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

  export interface InviteInviteKeyFieldEvent {
    field: '$.inviteKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteRoleFieldEvent {
    field: '$.role'
    value: Role
  }

  export interface InviteExpiresMsFieldEvent {
    field: '$.expiresMs'
    value: number
  }

  export interface InviteMaxUsesFieldEvent {
    field: '$.maxUses'
    value: number
  }

  export function encode (obj: Partial<Invite>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Invite.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Invite>): Invite {
    return decodeMessage(buf, Invite.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Invite>): Generator<InviteInviteKeyFieldEvent | InviteRoleFieldEvent | InviteExpiresMsFieldEvent | InviteMaxUsesFieldEvent> {
    return streamMessage(buf, Invite.codec(), opts)
  }
}

export interface Add {
  member: Uint8Array<ArrayBuffer>
  name: string
  role: Role
  peerId: Uint8Array<ArrayBuffer>
  inviteKey: Uint8Array<ArrayBuffer>
  inviteProof: Uint8Array<ArrayBuffer>
}

export namespace Add {
  let _codec: Codec<Add>

  export const codec = (): Codec<Add> => {
    if (_codec == null) {
      _codec = message<Add>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.member)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if (obj.role != null && __RoleValues[obj.role] !== 0) {
          w.uint32(24)
          Role.codec().encode(obj.role, w)
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.peerId)
        }

        if ((obj.inviteKey != null && obj.inviteKey.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.inviteKey)
        }

        if ((obj.inviteProof != null && obj.inviteProof.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.inviteProof)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: uint8ArrayAlloc(0),
          name: '',
          role: Role.ROLE_UNSPECIFIED,
          peerId: uint8ArrayAlloc(0),
          inviteKey: uint8ArrayAlloc(0),
          inviteProof: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.bytes()
              break
            }
            case 2: {
              obj.name = reader.string()
              break
            }
            case 3: {
              obj.role = Role.codec().decode(reader)
              break
            }
            case 4: {
              obj.peerId = reader.bytes()
              break
            }
            case 5: {
              obj.inviteKey = reader.bytes()
              break
            }
            case 6: {
              obj.inviteProof = reader.bytes()
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.member`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.role`,
                value: Role.codec().decode(reader)
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.inviteKey`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.inviteProof`,
                value: reader.bytes()
              }
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

  export interface AddMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AddNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface AddRoleFieldEvent {
    field: '$.role'
    value: Role
  }

  export interface AddPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AddInviteKeyFieldEvent {
    field: '$.inviteKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AddInviteProofFieldEvent {
    field: '$.inviteProof'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Add>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Add.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Add>): Add {
    return decodeMessage(buf, Add.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Add>): Generator<AddMemberFieldEvent | AddNameFieldEvent | AddRoleFieldEvent | AddPeerIdFieldEvent | AddInviteKeyFieldEvent | AddInviteProofFieldEvent> {
    return streamMessage(buf, Add.codec(), opts)
  }
}

export interface Remove {
  member: Uint8Array<ArrayBuffer>
  reason: string
}

export namespace Remove {
  let _codec: Codec<Remove>

  export const codec = (): Codec<Remove> => {
    if (_codec == null) {
      _codec = message<Remove>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.member)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(18)
          w.string(obj.reason)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: uint8ArrayAlloc(0),
          reason: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.bytes()
              break
            }
            case 2: {
              obj.reason = reader.string()
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.member`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
              }
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

  export interface RemoveMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RemoveReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export function encode (obj: Partial<Remove>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Remove.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Remove>): Remove {
    return decodeMessage(buf, Remove.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Remove>): Generator<RemoveMemberFieldEvent | RemoveReasonFieldEvent> {
    return streamMessage(buf, Remove.codec(), opts)
  }
}

export interface SetRole {
  member: Uint8Array<ArrayBuffer>
  role: Role
}

export namespace SetRole {
  let _codec: Codec<SetRole>

  export const codec = (): Codec<SetRole> => {
    if (_codec == null) {
      _codec = message<SetRole>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.member)
        }

        if (obj.role != null && __RoleValues[obj.role] !== 0) {
          w.uint32(16)
          Role.codec().encode(obj.role, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: uint8ArrayAlloc(0),
          role: Role.ROLE_UNSPECIFIED
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.bytes()
              break
            }
            case 2: {
              obj.role = Role.codec().decode(reader)
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.member`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.role`,
                value: Role.codec().decode(reader)
              }
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

  export interface SetRoleMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SetRoleRoleFieldEvent {
    field: '$.role'
    value: Role
  }

  export function encode (obj: Partial<SetRole>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SetRole.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SetRole>): SetRole {
    return decodeMessage(buf, SetRole.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SetRole>): Generator<SetRoleMemberFieldEvent | SetRoleRoleFieldEvent> {
    return streamMessage(buf, SetRole.codec(), opts)
  }
}

export interface RevokeInvite {
  inviteKey: Uint8Array<ArrayBuffer>
}

export namespace RevokeInvite {
  let _codec: Codec<RevokeInvite>

  export const codec = (): Codec<RevokeInvite> => {
    if (_codec == null) {
      _codec = message<RevokeInvite>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.inviteKey != null && obj.inviteKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.inviteKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          inviteKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.inviteKey = reader.bytes()
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.inviteKey`,
                value: reader.bytes()
              }
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

  export interface RevokeInviteInviteKeyFieldEvent {
    field: '$.inviteKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<RevokeInvite>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RevokeInvite.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RevokeInvite>): RevokeInvite {
    return decodeMessage(buf, RevokeInvite.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RevokeInvite>): Generator<RevokeInviteInviteKeyFieldEvent> {
    return streamMessage(buf, RevokeInvite.codec(), opts)
  }
}

export interface Rotate {
  epoch: number
}

export namespace Rotate {
  let _codec: Codec<Rotate>

  export const codec = (): Codec<Rotate> => {
    if (_codec == null) {
      _codec = message<Rotate>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint32(obj.epoch)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.epoch = reader.uint32()
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
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

  export interface RotateEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export function encode (obj: Partial<Rotate>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Rotate.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Rotate>): Rotate {
    return decodeMessage(buf, Rotate.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Rotate>): Generator<RotateEpochFieldEvent> {
    return streamMessage(buf, Rotate.codec(), opts)
  }
}

export interface LogEntry {
  roomId: Uint8Array<ArrayBuffer>
  seq: number
  prev: Uint8Array<ArrayBuffer>
  author: Uint8Array<ArrayBuffer>
  tsMs: number
  genesis?: Uint8Array<ArrayBuffer>
  invite?: Invite
  add?: Add
  remove?: Remove
  setRole?: SetRole
  revokeInvite?: RevokeInvite
  rotate?: Rotate
}

export namespace LogEntry {
  let _codec: Codec<LogEntry>

  export const codec = (): Codec<LogEntry> => {
    if (_codec == null) {
      _codec = message<LogEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.rotate != null) {
          obj.revokeInvite = undefined
          obj.setRole = undefined
          obj.remove = undefined
          obj.add = undefined
          obj.invite = undefined
          obj.genesis = undefined
        }

        if (obj.revokeInvite != null) {
          obj.rotate = undefined
          obj.setRole = undefined
          obj.remove = undefined
          obj.add = undefined
          obj.invite = undefined
          obj.genesis = undefined
        }

        if (obj.setRole != null) {
          obj.rotate = undefined
          obj.revokeInvite = undefined
          obj.remove = undefined
          obj.add = undefined
          obj.invite = undefined
          obj.genesis = undefined
        }

        if (obj.remove != null) {
          obj.rotate = undefined
          obj.revokeInvite = undefined
          obj.setRole = undefined
          obj.add = undefined
          obj.invite = undefined
          obj.genesis = undefined
        }

        if (obj.add != null) {
          obj.rotate = undefined
          obj.revokeInvite = undefined
          obj.setRole = undefined
          obj.remove = undefined
          obj.invite = undefined
          obj.genesis = undefined
        }

        if (obj.invite != null) {
          obj.rotate = undefined
          obj.revokeInvite = undefined
          obj.setRole = undefined
          obj.remove = undefined
          obj.add = undefined
          obj.genesis = undefined
        }

        if (obj.genesis != null) {
          obj.rotate = undefined
          obj.revokeInvite = undefined
          obj.setRole = undefined
          obj.remove = undefined
          obj.add = undefined
          obj.invite = undefined
        }

        if ((obj.roomId != null && obj.roomId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.roomId)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.seq)
        }

        if ((obj.prev != null && obj.prev.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.prev)
        }

        if ((obj.author != null && obj.author.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.author)
        }

        if ((obj.tsMs != null && obj.tsMs !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.tsMs)
        }

        if (obj.genesis != null) {
          w.uint32(50)
          w.bytes(obj.genesis)
        }

        if (obj.invite != null) {
          w.uint32(58)
          Invite.codec().encode(obj.invite, w)
        }

        if (obj.add != null) {
          w.uint32(66)
          Add.codec().encode(obj.add, w)
        }

        if (obj.remove != null) {
          w.uint32(74)
          Remove.codec().encode(obj.remove, w)
        }

        if (obj.setRole != null) {
          w.uint32(82)
          SetRole.codec().encode(obj.setRole, w)
        }

        if (obj.revokeInvite != null) {
          w.uint32(90)
          RevokeInvite.codec().encode(obj.revokeInvite, w)
        }

        if (obj.rotate != null) {
          w.uint32(98)
          Rotate.codec().encode(obj.rotate, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          roomId: uint8ArrayAlloc(0),
          seq: 0,
          prev: uint8ArrayAlloc(0),
          author: uint8ArrayAlloc(0),
          tsMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.roomId = reader.bytes()
              break
            }
            case 2: {
              obj.seq = reader.uint64Number()
              break
            }
            case 3: {
              obj.prev = reader.bytes()
              break
            }
            case 4: {
              obj.author = reader.bytes()
              break
            }
            case 5: {
              obj.tsMs = reader.uint64Number()
              break
            }
            case 6: {
              obj.genesis = reader.bytes()
              break
            }
            case 7: {
              obj.invite = Invite.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.invite
              })
              break
            }
            case 8: {
              obj.add = Add.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.add
              })
              break
            }
            case 9: {
              obj.remove = Remove.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.remove
              })
              break
            }
            case 10: {
              obj.setRole = SetRole.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.setRole
              })
              break
            }
            case 11: {
              obj.revokeInvite = RevokeInvite.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.revokeInvite
              })
              break
            }
            case 12: {
              obj.rotate = Rotate.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.rotate
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.rotate != null) {
          delete obj.revokeInvite
          delete obj.setRole
          delete obj.remove
          delete obj.add
          delete obj.invite
          delete obj.genesis
        }

        if (obj.revokeInvite != null) {
          delete obj.rotate
          delete obj.setRole
          delete obj.remove
          delete obj.add
          delete obj.invite
          delete obj.genesis
        }

        if (obj.setRole != null) {
          delete obj.rotate
          delete obj.revokeInvite
          delete obj.remove
          delete obj.add
          delete obj.invite
          delete obj.genesis
        }

        if (obj.remove != null) {
          delete obj.rotate
          delete obj.revokeInvite
          delete obj.setRole
          delete obj.add
          delete obj.invite
          delete obj.genesis
        }

        if (obj.add != null) {
          delete obj.rotate
          delete obj.revokeInvite
          delete obj.setRole
          delete obj.remove
          delete obj.invite
          delete obj.genesis
        }

        if (obj.invite != null) {
          delete obj.rotate
          delete obj.revokeInvite
          delete obj.setRole
          delete obj.remove
          delete obj.add
          delete obj.genesis
        }

        if (obj.genesis != null) {
          delete obj.rotate
          delete obj.revokeInvite
          delete obj.setRole
          delete obj.remove
          delete obj.add
          delete obj.invite
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.roomId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.prev`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.author`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.tsMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.genesis`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield * Invite.codec().stream(reader, reader.uint32(), `${prefix}.invite`, {
                limits: opts.limits?.invite
              })

              break
            }
            case 8: {
              yield * Add.codec().stream(reader, reader.uint32(), `${prefix}.add`, {
                limits: opts.limits?.add
              })

              break
            }
            case 9: {
              yield * Remove.codec().stream(reader, reader.uint32(), `${prefix}.remove`, {
                limits: opts.limits?.remove
              })

              break
            }
            case 10: {
              yield * SetRole.codec().stream(reader, reader.uint32(), `${prefix}.setRole`, {
                limits: opts.limits?.setRole
              })

              break
            }
            case 11: {
              yield * RevokeInvite.codec().stream(reader, reader.uint32(), `${prefix}.revokeInvite`, {
                limits: opts.limits?.revokeInvite
              })

              break
            }
            case 12: {
              yield * Rotate.codec().stream(reader, reader.uint32(), `${prefix}.rotate`, {
                limits: opts.limits?.rotate
              })

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

  export interface LogEntryRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogEntrySeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface LogEntryPrevFieldEvent {
    field: '$.prev'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogEntryAuthorFieldEvent {
    field: '$.author'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogEntryTsMsFieldEvent {
    field: '$.tsMs'
    value: number
  }

  export interface LogEntryGenesisFieldEvent {
    field: '$.genesis'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogEntryInviteInviteKeyFieldEvent {
    field: '$.invite.inviteKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogEntryInviteRoleFieldEvent {
    field: '$.invite.role'
    value: Role
  }

  export interface LogEntryInviteExpiresMsFieldEvent {
    field: '$.invite.expiresMs'
    value: number
  }

  export interface LogEntryInviteMaxUsesFieldEvent {
    field: '$.invite.maxUses'
    value: number
  }

  export interface LogEntryAddMemberFieldEvent {
    field: '$.add.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogEntryAddNameFieldEvent {
    field: '$.add.name'
    value: string
  }

  export interface LogEntryAddRoleFieldEvent {
    field: '$.add.role'
    value: Role
  }

  export interface LogEntryAddPeerIdFieldEvent {
    field: '$.add.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogEntryAddInviteKeyFieldEvent {
    field: '$.add.inviteKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogEntryAddInviteProofFieldEvent {
    field: '$.add.inviteProof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogEntryRemoveMemberFieldEvent {
    field: '$.remove.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogEntryRemoveReasonFieldEvent {
    field: '$.remove.reason'
    value: string
  }

  export interface LogEntrySetRoleMemberFieldEvent {
    field: '$.setRole.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogEntrySetRoleRoleFieldEvent {
    field: '$.setRole.role'
    value: Role
  }

  export interface LogEntryRevokeInviteInviteKeyFieldEvent {
    field: '$.revokeInvite.inviteKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogEntryRotateEpochFieldEvent {
    field: '$.rotate.epoch'
    value: number
  }

  export function encode (obj: Partial<LogEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LogEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogEntry>): LogEntry {
    return decodeMessage(buf, LogEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogEntry>): Generator<LogEntryRoomIdFieldEvent | LogEntrySeqFieldEvent | LogEntryPrevFieldEvent | LogEntryAuthorFieldEvent | LogEntryTsMsFieldEvent | LogEntryGenesisFieldEvent | LogEntryInviteInviteKeyFieldEvent | LogEntryInviteRoleFieldEvent | LogEntryInviteExpiresMsFieldEvent | LogEntryInviteMaxUsesFieldEvent | LogEntryAddMemberFieldEvent | LogEntryAddNameFieldEvent | LogEntryAddRoleFieldEvent | LogEntryAddPeerIdFieldEvent | LogEntryAddInviteKeyFieldEvent | LogEntryAddInviteProofFieldEvent | LogEntryRemoveMemberFieldEvent | LogEntryRemoveReasonFieldEvent | LogEntrySetRoleMemberFieldEvent | LogEntrySetRoleRoleFieldEvent | LogEntryRevokeInviteInviteKeyFieldEvent | LogEntryRotateEpochFieldEvent> {
    return streamMessage(buf, LogEntry.codec(), opts)
  }
}

export interface SignedLogEntry {
  entry: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedLogEntry {
  let _codec: Codec<SignedLogEntry>

  export const codec = (): Codec<SignedLogEntry> => {
    if (_codec == null) {
      _codec = message<SignedLogEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.entry != null && obj.entry.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.entry)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          entry: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.entry = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.entry`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
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

  export interface SignedLogEntryEntryFieldEvent {
    field: '$.entry'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedLogEntrySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedLogEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedLogEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedLogEntry>): SignedLogEntry {
    return decodeMessage(buf, SignedLogEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedLogEntry>): Generator<SignedLogEntryEntryFieldEvent | SignedLogEntrySignatureFieldEvent> {
    return streamMessage(buf, SignedLogEntry.codec(), opts)
  }
}
