-- 规划一点通 (public portal, domain.md §11): plans under public consultation (批前公示) and the
-- comments citizens leave on them. GB/T 39972-2021 asks for "public disclosure and consultation";
-- 城乡规划法 第二十六条 requires a plan to be published for at least 30 days before approval and
-- the public's opinions to be heard.

CREATE TABLE consultation (
  id          serial PRIMARY KEY,
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  summary     text NOT NULL DEFAULT '' CHECK (length(summary) <= 10000),
  plan_type   text,                               -- e.g. 详细规划, 专项规划
  organiser   text,                               -- 组织编制机关
  geom        geometry(MultiPolygon, 4490) NOT NULL,
  -- Open on both days: a consultation is open when start_date <= today <= end_date (China
  -- Standard Time, util/clock.ts).
  start_date  date NOT NULL,
  end_date    date NOT NULL,
  -- [{ "title": "…", "url": "…" }]: the published drawings and texts.
  documents   jsonb NOT NULL DEFAULT '[]',
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (end_date >= start_date)
);
CREATE INDEX consultation_geom_idx ON consultation USING gist (geom);

-- Comments arrive anonymously as 'pending'; staff approve or reject them (with a reason) and only
-- approved ones are shown to the public. Contact details are never published.
CREATE TABLE consultation_comment (
  id                serial PRIMARY KEY,
  consultation_id   int NOT NULL REFERENCES consultation(id),
  author_name       text CHECK (length(author_name) <= 50),
  contact           text CHECK (length(contact) <= 100),
  body              text NOT NULL CHECK (length(body) BETWEEN 5 AND 2000),
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  submitted_on      date NOT NULL,                -- the platform clock's date, not the server's
  created_at        timestamptz NOT NULL DEFAULT now(),
  moderated_by      text,
  moderated_at      timestamptz,
  moderation_reason text
);
CREATE INDEX consultation_comment_idx ON consultation_comment (consultation_id, status);
CREATE INDEX consultation_comment_status_idx ON consultation_comment (status, id);
