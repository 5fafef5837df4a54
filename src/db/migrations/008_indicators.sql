-- Indicators, monitoring and early warning (规划实施监测预警, 体检评估; domain.md §5, seeds 000/002/003).
-- The registry is data: every indicator is a JSON definition naming a computation kind and its
-- parameters (src/indicators/kinds/), seeded from src/indicators/default-indicators.json and edited
-- by administrators without code. Regions are GB/T 2260 codes: 330100 = 杭州市 (the city), six-digit
-- district codes, and the other Zhejiang cities of seed 003 (330200 宁波市 …) for their targets.

CREATE TABLE indicator_def (
  code        text PRIMARY KEY CHECK (code ~ '^[A-Za-z][A-Za-z0-9_]{0,39}$'),
  definition  jsonb NOT NULL,              -- name, dimension, kind, params, unit, warning, … (registry.ts)
  builtin     boolean NOT NULL DEFAULT false,
  enabled     boolean NOT NULL DEFAULT true,
  sort_order  int NOT NULL DEFAULT 1000,
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Targets: the seed-003 table (11 cities × 8 indicators × 2027/2030), Hangzhou's own figures and
-- any region/year an administrator enters. bound: 'min' = reach at least (≥), 'max' = at most (≤).
-- hard: a floor/ceiling that must hold every year (耕地保有量, 工业用地 360 km²): a breach is red at once.
CREATE TABLE indicator_target (
  indicator   text NOT NULL,
  region      text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
  year        int NOT NULL CHECK (year BETWEEN 1990 AND 2100),
  value       double precision NOT NULL,
  bound       text NOT NULL DEFAULT 'min' CHECK (bound IN ('min', 'max')),
  hard        boolean NOT NULL DEFAULT false,
  base_year   int,                         -- progress is counted from the end of this year (seed 003: 较2025年)
  baseline    double precision,            -- the indicator's value in the base year, when known
  region_name text NOT NULL,
  source      text NOT NULL,               -- the document (and section) the number comes from
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (indicator, region, year)
);
CREATE INDEX indicator_target_region_idx ON indicator_target (region, year);

-- Statistics the formulas need and the store does not hold (地区生产总值 GDP, 城镇常住人口).
CREATE TABLE indicator_statistic (
  code        text NOT NULL,
  region      text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
  year        int NOT NULL CHECK (year BETWEEN 1990 AND 2100),
  value       double precision NOT NULL,
  source      text,
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (code, region, year)
);

-- One compute run for one year: when, by whom, against which date ("today" or the year's end).
CREATE TABLE indicator_run (
  id          serial PRIMARY KEY,
  year        int NOT NULL,
  as_of       date NOT NULL,
  indicators  text[] NOT NULL,
  summary     jsonb NOT NULL DEFAULT '{}',
  duration_ms double precision,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Values per indicator, region and year. source 'computed' is rewritten by each run (with the
-- provenance it was computed from: layer versions, ledger state, run ids, statistics used);
-- 'reported' is an official figure entered by hand (上报值, e.g. seed 000's 2025 figures) and takes
-- precedence over the computed one when both exist.
CREATE TABLE indicator_value (
  indicator   text NOT NULL,
  region      text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
  year        int NOT NULL,
  source      text NOT NULL CHECK (source IN ('computed', 'reported')),
  value       double precision,            -- NULL: no data (the note says why)
  note        text,
  provenance  jsonb NOT NULL DEFAULT '{}',
  run_id      int REFERENCES indicator_run(id),
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (indicator, region, year, source)
);
CREATE INDEX indicator_value_year_idx ON indicator_value (year, indicator);

-- Early-warning alerts: at most one open alert per indicator, region and year; a later run
-- updates its level or resolves it. Acknowledgement and notes are the responsible department's.
CREATE TABLE indicator_alert (
  id              serial PRIMARY KEY,
  indicator       text NOT NULL,
  region          text NOT NULL,
  region_name     text NOT NULL,
  year            int NOT NULL,
  level           text NOT NULL CHECK (level IN ('yellow', 'red')),
  reason          text NOT NULL,
  value           double precision,
  target          double precision,
  target_year     int,
  assessment      jsonb NOT NULL DEFAULT '{}',
  department      text,
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
  raised_on       date NOT NULL,
  raised_run      int REFERENCES indicator_run(id),
  updated_run     int REFERENCES indicator_run(id),
  acknowledged_by text,
  acknowledged_at timestamptz,
  resolved_on     date,
  webhook_status  text,                    -- last delivery: HTTP status or the error, NULL = not sent
  webhook_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX indicator_alert_open_idx ON indicator_alert (indicator, region, year) WHERE status <> 'resolved';
CREATE INDEX indicator_alert_status_idx ON indicator_alert (status, level);

CREATE TABLE indicator_alert_note (
  id          serial PRIMARY KEY,
  alert_id    int NOT NULL REFERENCES indicator_alert(id),
  author      text NOT NULL,
  body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX indicator_alert_note_idx ON indicator_alert_note (alert_id, id);

-- Settings an administrator changes without code (warning bands, webhook); defaults in
-- default-indicators.json. 'seeded' records which defaults were loaded.
CREATE TABLE indicator_setting (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
