-- Users, roles, sessions and API tokens (issue 4; domain.md §1). Passwords are argon2id hashes;
-- session cookies and API tokens are random secrets of which only the SHA-256 is stored, so a
-- copy of the database gives nobody a way in.

CREATE TABLE app_user (
  id            serial PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  display_name  text,
  role          text NOT NULL CHECK (role IN ('admin', 'planner', 'reviewer', 'district', 'inspector')),
  -- GB/T 2260 codes of the districts a district officer (区县) works in.
  districts     text[] NOT NULL DEFAULT '{}',
  password_hash text,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (role <> 'district' OR cardinality(districts) > 0)
);

CREATE TABLE user_session (
  token_sha256 text PRIMARY KEY,
  user_id      int NOT NULL REFERENCES app_user(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  ip           text,
  user_agent   text
);
CREATE INDEX user_session_user_idx ON user_session (user_id);

-- Tokens for other systems calling the API (合规性审查服务, GB/T 39972): named, revocable.
CREATE TABLE api_token (
  id           serial PRIMARY KEY,
  user_id      int NOT NULL REFERENCES app_user(id),
  name         text NOT NULL,
  token_sha256 text NOT NULL UNIQUE,
  prefix       text NOT NULL,  -- the first characters, shown in lists so a token can be recognised
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   text NOT NULL,
  expires_at   timestamptz,
  last_used_at timestamptz,
  revoked_at   timestamptz
);

-- Administrators browse the audit trail by time and by actor.
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, id);
