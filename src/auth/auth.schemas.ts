// Request and response schemas of sign-in, users and API tokens (/api/auth/…, /api/users, /api/tokens).
import { Type, Obj, Str, Int, Bool, Nullable, Enum, List, DateTime, errors, type Static } from '../schema.ts';
import { ROLES, STAFF_ROLES } from './types.ts';

const auth = ['auth'];
const users = ['users'];
const ERRORS = errors(400, 401, 403, 404, 409, 429);

const StaffRoleName = Enum(STAFF_ROLES);
const RoleName = Enum(ROLES);
const Districts = List(Str({ pattern: '^[0-9]{6}$', description: 'GB/T 2260 district code, e.g. 330106' }), { maxItems: 50 });
const Username = Str({ minLength: 1, maxLength: 64 });
const Password = Str({ minLength: 8, maxLength: 1000 });

/** A staff account as administrators see it: never the password hash. */
export const PublicUser = Obj({
  id: Int(),
  username: Str(),
  name: Str({ description: 'display name (the username when none is set)' }),
  role: StaffRoleName,
  roleLabel: Str({ description: '管理员, 编制人员, …' }),
  districts: List(Str(), { description: 'GB/T 2260 codes a district officer works in; empty for other roles' }),
  active: Bool(),
  createdAt: DateTime(),
});
export type PublicUser = Static<typeof PublicUser>;

/** Who is calling: a signed-in user or the anonymous public (id null). */
export const Caller = Obj({
  id: Nullable(Int()),
  username: Str(),
  name: Str(),
  role: RoleName,
  roleLabel: Str(),
  districts: List(Str()),
});
export type Caller = Static<typeof Caller>;

export const TokenInfo = Obj({
  id: Int(),
  user_id: Int(),
  username: Str(),
  name: Str({ description: 'which system uses it' }),
  prefix: Str({ description: 'the first characters, to recognise a token' }),
  created_at: DateTime(),
  created_by: Str(),
  expires_at: Nullable(DateTime()),
  last_used_at: Nullable(DateTime()),
  revoked_at: Nullable(DateTime()),
});
export type TokenInfo = Static<typeof TokenInfo>;

const UsernameParams = Obj({ username: Username });

export const login = {
  tags: auth,
  summary: '登录 (sign in): sets the httpOnly session cookie',
  body: Obj({ username: Username, password: Str({ minLength: 1, maxLength: 1000 }) }),
  response: { 200: Obj({ user: Caller, expiresAt: DateTime() }), ...ERRORS },
};

export const logout = {
  tags: auth,
  summary: '退出登录 (sign out)',
  response: { 200: Obj({ ok: Bool() }), ...ERRORS },
};

export const me = {
  tags: auth,
  summary: '当前用户 (who am I): the anonymous public when not signed in',
  response: { 200: Caller, ...errors(429) },
};

export const roles = {
  tags: auth,
  summary: '角色 (the roles and their Chinese names)',
  response: { 200: List(Obj({ role: StaffRoleName, label: Str() })), ...errors(429) },
};

export const changeMyPassword = {
  tags: auth,
  summary: '修改本人密码 (change my password)',
  body: Obj({ password: Password }),
  response: { 200: PublicUser, ...ERRORS },
};

export const listUsers = {
  tags: users,
  summary: '用户列表 (users)',
  response: { 200: List(PublicUser), ...ERRORS },
};

export const addUser = {
  tags: users,
  summary: '新增用户 (add a user)',
  body: Obj({
    username: Username,
    role: StaffRoleName,
    password: Type.Optional(Password),
    name: Type.Optional(Str({ maxLength: 100 })),
    districts: Type.Optional(Districts),
  }),
  response: { 201: PublicUser, ...ERRORS },
};

export const getUser = {
  tags: users,
  summary: '用户详情 (one user)',
  params: UsernameParams,
  response: { 200: PublicUser, ...ERRORS },
};

export const patchUser = {
  tags: users,
  summary: '修改用户 (change role, districts, password or deactivate)',
  params: UsernameParams,
  body: Type.Object(
    {
      name: Type.Optional(Nullable(Str({ maxLength: 100 }))),
      role: Type.Optional(StaffRoleName),
      districts: Type.Optional(Districts),
      active: Type.Optional(Bool()),
      password: Type.Optional(Password),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
  response: { 200: PublicUser, ...ERRORS },
};

export const listTokens = {
  tags: users,
  summary: 'API 令牌列表 (API tokens; never the secrets)',
  querystring: Obj({ username: Type.Optional(Str({ maxLength: 64 })) }),
  response: { 200: List(TokenInfo), ...ERRORS },
};

export const createToken = {
  tags: users,
  summary: '签发 API 令牌 (issue an API token; the secret is shown once)',
  body: Obj({
    username: Username,
    name: Str({ minLength: 1, maxLength: 100 }),
    expiresDays: Type.Optional(Int({ minimum: 1, maximum: 3650 })),
  }),
  response: { 201: Obj({ id: Int(), token: Str({ description: 'om_… — shown this once' }), name: Str(), username: Str() }), ...ERRORS },
};

export const revokeToken = {
  tags: users,
  summary: '吊销令牌 (revoke)',
  params: Obj({ id: Int({ minimum: 1 }) }),
  response: { 200: TokenInfo, ...ERRORS },
};
