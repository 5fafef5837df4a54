-- Land lifecycle (domain.md §6): the land code register (土地码) with its dated events, idle land
-- (闲置土地), approved-but-unsupplied land (批而未供), inefficient land (低效用地), the
-- expropriation–resettlement closed loop (征收–安置) and the warnings the nightly rule run raises.
-- Storage CRS EPSG:4490; areas are ellipsoidal (ST_Area(geography)) in m².

-- 批而未供: one approval batch (农转用/征收 批次) and what has been supplied or disposed of it.
CREATE TABLE approval_batch (
  id            serial PRIMARY KEY,
  batch_no      text NOT NULL UNIQUE,
  name          text NOT NULL,
  approval_no   text NOT NULL,                 -- 批复文号
  approval_type text NOT NULL CHECK (approval_type IN ('农转用', '征收', '农转用及征收')),
  approved_on   date NOT NULL,
  district      text NOT NULL CHECK (district ~ '^[0-9]{6}$'),
  approved_m2   double precision NOT NULL CHECK (approved_m2 > 0),
  geom          geometry(MultiPolygon, 4490),  -- the unsupplied remainder once 上图入库
  status        text NOT NULL DEFAULT 'identified' CHECK (status IN ('identified', 'mapped', 'disposing', 'digested')),
  -- Ledger figures, refreshed by every supply or disposal and by the nightly run.
  supplied_m2   double precision NOT NULL DEFAULT 0,
  disposed_m2   double precision NOT NULL DEFAULT 0,
  refreshed_on  date,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX approval_batch_district_idx ON approval_batch (district, status);

-- 处置消化 other than supply: approval withdrawn (撤回), area reduced (核减), re-used (调整使用).
CREATE TABLE unsupplied_disposal (
  id            serial PRIMARY KEY,
  batch_id      int NOT NULL REFERENCES approval_batch(id),
  disposed_on   date NOT NULL,
  mode          text NOT NULL CHECK (mode IN ('撤回', '核减', '调整使用', '其他')),
  area_m2       double precision NOT NULL CHECK (area_m2 > 0),
  doc_no        text,
  operator      text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unsupplied_disposal_batch_idx ON unsupplied_disposal (batch_id, disposed_on);

-- Yearly digestion task per district (年度批而未供土地消化任务), set locally each year.
CREATE TABLE unsupplied_task (
  year          int NOT NULL,
  district      text NOT NULL,
  task_m2       double precision NOT NULL CHECK (task_m2 >= 0),
  PRIMARY KEY (year, district)
);

-- 土地码: one stable code per parcel. The columns after `stage` mirror the parcel's latest events so
-- the nightly rules read one row per parcel; land_event stays the record.
CREATE SEQUENCE land_code_seq;
CREATE TABLE land_parcel (
  land_code     text PRIMARY KEY CHECK (land_code ~ '^[0-9A-Za-z-]{6,40}$'),
  name          text NOT NULL,
  district      text NOT NULL CHECK (district ~ '^[0-9]{6}$'),
  zd_code       text,                          -- ZDDM of the 宗地 (layer ZD) it was registered from
  bdcdyh        text CHECK (bdcdyh ~ '^[0-9A-Z]{28}$'),  -- 不动产单元号 (GB/T 37346, 28 characters)
  land_use      text,
  industrial    boolean NOT NULL DEFAULT false,
  standalone_site boolean NOT NULL DEFAULT false,  -- 单独选址项目: outside the stock-supply share
  batch_id      int REFERENCES approval_batch(id),
  geom          geometry(MultiPolygon, 4490) NOT NULL,
  area_m2       double precision NOT NULL,
  stage         text NOT NULL DEFAULT 'registered',
  approved_on   date,
  reserved_on   date,
  supplied_on   date,
  supply_m2     double precision,
  price_yuan    double precision,
  agreed_start  date,
  agreed_completion date,
  planned_far   double precision,
  total_investment_yuan double precision,
  permits_on    date,
  works_started_on date,
  developed_m2  double precision,
  invested_yuan double precision,
  halted_since  date,
  completed_on  date,
  registered_on date,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX land_parcel_geom_idx ON land_parcel USING gist (geom);
CREATE INDEX land_parcel_district_idx ON land_parcel (district, stage);
CREATE INDEX land_parcel_batch_idx ON land_parcel (batch_id);
-- The two idle-land rules only look at supplied, unfinished parcels.
CREATE INDEX land_parcel_idle_start_idx ON land_parcel (agreed_start) WHERE works_started_on IS NULL AND agreed_start IS NOT NULL;
CREATE INDEX land_parcel_idle_halt_idx ON land_parcel (halted_since) WHERE halted_since IS NOT NULL AND completed_on IS NULL;

CREATE TABLE land_event (
  id            bigserial PRIMARY KEY,
  land_code     text NOT NULL REFERENCES land_parcel(land_code),
  kind          text NOT NULL CHECK (kind IN ('approval', 'reserve', 'supply', 'permits', 'works_start', 'progress', 'completion', 'registration')),
  event_date    date NOT NULL,
  doc_no        text,
  documents     jsonb NOT NULL DEFAULT '[]',
  details       jsonb NOT NULL DEFAULT '{}',
  operator      text NOT NULL,
  geom          geometry(MultiPolygon, 4490) NOT NULL,  -- the parcel as it was at this step
  area_m2       double precision NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX land_event_code_idx ON land_event (land_code, event_date, id);
CREATE INDEX land_event_kind_date_idx ON land_event (kind, event_date);

-- 闲置土地 cases: created by the nightly rules, then 服务监管 → 调查认定 → 依法处置.
CREATE TABLE idle_case (
  id            serial PRIMARY KEY,
  land_code     text NOT NULL REFERENCES land_parcel(land_code),
  basis         text NOT NULL CHECK (basis IN ('not-started', 'halted')),
  base_date     date NOT NULL,      -- agreed start date, or the day works halted
  idle_from     date NOT NULL,      -- first day the land counts as idle
  district      text NOT NULL,
  status        text NOT NULL DEFAULT 'supervision',
  detected_on   date NOT NULL,
  deadline      date,
  determination_no text,
  disposal      text,
  fee_yuan      double precision,
  decision_no   text,
  disposed_on   date,
  closed_on     date,
  note          text,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (land_code, basis, base_date)
);
CREATE INDEX idle_case_status_idx ON idle_case (district, status);

-- 低效用地: the locally set thresholds, per year (they change every year).
CREATE TABLE inefficient_rule (
  year          int NOT NULL,
  code          text NOT NULL,
  name          text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('far-below', 'tax-per-mu-below', 'vacant', 'derelict', 'polluting')),
  threshold     double precision,
  industrial_only boolean NOT NULL DEFAULT true,
  enabled       boolean NOT NULL DEFAULT true,
  note          text,
  PRIMARY KEY (year, code)
);

-- Yearly facts per parcel (亩均效益评价, survey): what the inefficient-land rules read.
-- Defaults: LOCAL SETTINGS, not national numbers. domain.md §6 says the thresholds are set locally
-- each year; these are sensible starting values an administrator replaces with the year's own
-- (a rule applies from its year until a later year is configured). The seeds give no figures.
INSERT INTO inefficient_rule (year, code, name, kind, threshold, industrial_only, note) VALUES
  (2024, 'far', '工业用地容积率低于 1.0', 'far-below', 1.0, true, '本地设置，每年调整 (local setting)'),
  (2024, 'tax', '亩均税收低于 10 万元/亩', 'tax-per-mu-below', 100000, true, '本地设置，每年调整 (local setting)'),
  (2024, 'vacant', '厂房闲置或空置', 'vacant', NULL, false, '调查或巡查发现'),
  (2024, 'derelict', '建筑破旧、危旧', 'derelict', NULL, false, '调查或巡查发现'),
  (2024, 'polluting', '高耗能高排放低水平产业', 'polluting', NULL, true, 'seed 003 坚决遏制高能耗、高排放、低水平项目');

CREATE TABLE land_fact (
  land_code     text NOT NULL REFERENCES land_parcel(land_code),
  year          int NOT NULL,
  far           double precision,
  tax_yuan      double precision,
  vacant        boolean NOT NULL DEFAULT false,
  derelict      boolean NOT NULL DEFAULT false,
  polluting     boolean NOT NULL DEFAULT false,
  source        text,
  PRIMARY KEY (land_code, year)
);
CREATE INDEX land_fact_year_idx ON land_fact (year);

CREATE TABLE redevelopment_mode (
  code          text PRIMARY KEY,
  name          text NOT NULL,
  source        text NOT NULL
);
-- The seeds name only these; seed 001 says Hangzhou's pilot scheme has 8 modes and names three of
-- them (自主再开发、联合再开发、并宗再开发 "等8种"); seed 002 names 工改工、商改商、住改住、用途合理转换;
-- seed 003 names 政企联动开发. Administrators add the others of the local scheme as rows.
INSERT INTO redevelopment_mode (code, name, source) VALUES
  ('self', '自主再开发', 'seed 001 杭州市推进低效用地再开发试点工作实施方案'),
  ('joint', '联合再开发', 'seed 001 杭州市推进低效用地再开发试点工作实施方案'),
  ('merge', '并宗再开发', 'seed 001 杭州市推进低效用地再开发试点工作实施方案'),
  ('industrial-to-industrial', '工改工', 'seed 002 低效用地再开发试点多元化模式'),
  ('commercial-to-commercial', '商改商', 'seed 002 低效用地再开发试点多元化模式'),
  ('residential-to-residential', '住改住', 'seed 002 低效用地再开发试点多元化模式'),
  ('use-conversion', '用途合理转换', 'seed 002 低效用地再开发试点多元化模式'),
  ('government-enterprise', '政企联动开发', 'seed 003 浙江省存量空间提质增效行动方案 机制模式');

CREATE TABLE inefficient_case (
  id            serial PRIMARY KEY,
  land_code     text NOT NULL REFERENCES land_parcel(land_code),
  year          int NOT NULL,          -- fact year that identified it
  district      text NOT NULL,
  hits          jsonb NOT NULL,        -- rules hit: [{code, name, value, threshold}]
  status        text NOT NULL DEFAULT 'identified',
  category      text,                  -- 分类入库: 低效工业 / 低效商业 / 低效住宅 / 其他
  mode          text REFERENCES redevelopment_mode(code),
  survey_note   text,
  project_name  text,
  started_on    date,
  redeveloped_on date,
  redeveloped_m2 double precision,
  evaluated_year int,                  -- 动态更新: last yearly re-evaluation
  still_hits    boolean,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (land_code, year)
);
CREATE INDEX inefficient_case_status_idx ON inefficient_case (district, status);

-- 征收–安置 closed loop.
CREATE TABLE resettlement_project (
  id            serial PRIMARY KEY,
  code          text NOT NULL UNIQUE,
  name          text NOT NULL,
  district      text NOT NULL CHECK (district ~ '^[0-9]{6}$'),
  households    int NOT NULL CHECK (households > 0),
  geom          geometry(MultiPolygon, 4490),  -- land expropriated
  plot_name     text,
  plot_geom     geometry(MultiPolygon, 4490),  -- 安置地块, located on the map before the project starts
  plot_located_on date,
  status        text NOT NULL DEFAULT 'planning',
  expropriated_on date,
  housing_started_on date,
  housing_completed_on date,
  resettled_on  date,
  households_resettled int NOT NULL DEFAULT 0,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resettlement_project_idx ON resettlement_project (district, status);
CREATE INDEX resettlement_project_date_idx ON resettlement_project (expropriated_on) WHERE status NOT IN ('planning', 'resettled');

-- Warnings raised by the nightly run; one row per (kind, thing, due date), resolved, never deleted.
CREATE TABLE lifecycle_warning (
  id            bigserial PRIMARY KEY,
  kind          text NOT NULL,
  entity        text NOT NULL,
  entity_id     text NOT NULL,
  district      text NOT NULL,
  title         text NOT NULL,
  message       text NOT NULL,
  due_on        date NOT NULL,
  raised_on     date NOT NULL,
  resolved_on   date,
  UNIQUE (kind, entity, entity_id, due_on)
);
CREATE INDEX lifecycle_warning_open_idx ON lifecycle_warning (district, kind) WHERE resolved_on IS NULL;

-- One row per nightly run and day: running twice the same day finds its row and adds nothing.
CREATE TABLE lifecycle_run (
  run_on        date PRIMARY KEY,
  runs          int NOT NULL DEFAULT 1,
  last_at       timestamptz NOT NULL DEFAULT now(),
  actor         text NOT NULL,
  summary       jsonb NOT NULL DEFAULT '{}'   -- what the first run of the day created
);
