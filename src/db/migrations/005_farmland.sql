-- Farmland protection and land consolidation (domain.md §7): targets, 多田套合 runs, the balance
-- ledgers (占补平衡 lots and matches, cross-district agreements, 进出平衡), patrol alerts and
-- cases (天巡地查, 多违合一), and land consolidation projects (土地综合整治) with their sub-areas and
-- check runs. Areas are ellipsoidal m² (椭球面积, domain.md §2); 亩 are derived for display.

-- Targets are data, each with the document it comes from; administrators add years and regions.
-- region: '3301' = the whole city, otherwise a GB/T 2260 district code.
CREATE TABLE farmland_target (
  code        text NOT NULL,             -- e.g. GDBYL 耕地保有量
  region      text NOT NULL DEFAULT '3301',
  year        int NOT NULL,              -- the year the figure is due or was measured
  kind        text NOT NULL CHECK (kind IN ('target', 'baseline')),
  name_zh     text NOT NULL,
  value       double precision NOT NULL,
  unit        text NOT NULL,             -- 万亩, %, 个
  bound       text NOT NULL DEFAULT 'min' CHECK (bound IN ('min', 'max')),
  source      text NOT NULL,             -- the document (and section) the number comes from
  PRIMARY KEY (code, region, year)
);

-- Seeds (/work/shared/seeds, domain.md §5 §7). 002 = 杭州市人民政府关于2023年度国土空间规划工作情况的报告
-- (2023-12-28); 000 = 同上 2025年度 (2025-12-29); 004 = 杭政办函〔2023〕21号.
INSERT INTO farmland_target (code, region, year, kind, name_zh, value, unit, bound, source) VALUES
  ('GDBYL', '3301', 2035, 'target', '耕地保有量', 174.40, '万亩', 'min', '市国土空间总体规划；杭州市人民政府关于2023年度国土空间规划工作情况的报告（2023-12-28）一（四）'),
  ('YJJBNT', '3301', 2035, 'target', '永久基本农田保护面积', 145.16, '万亩', 'min', '市国土空间总体规划；杭州市人民政府关于2023年度国土空间规划工作情况的报告（2023-12-28）一（四）'),
  ('GDXZ', '3301', 2025, 'baseline', '现状耕地', 194.57, '万亩', 'min', '杭州市人民政府关于2025年度国土空间规划工作情况的报告（2025-12-29）一（五）'),
  ('DTTHL', '3301', 2025, 'baseline', '多田套合率', 90.14, '%', 'min', '杭州市人民政府关于2025年度国土空间规划工作情况的报告（2025-12-29）一（五）'),
  ('ZZXM', '3301', 2027, 'target', '土地综合整治项目数', 60, '个', 'min', '杭政办函〔2023〕21号 一（一）'),
  ('ZZSD', '3301', 2027, 'target', '跨乡镇土地综合整治试点项目数', 15, '个', 'min', '杭政办函〔2023〕21号 一（一）'),
  ('ZZMJ', '3301', 2027, 'target', '土地综合整治项目区面积', 300, '万亩', 'min', '杭政办函〔2023〕21号 一（一）'),
  ('XZGD', '3301', 2027, 'target', '垦造新增耕地（含旱地改水田）', 4.7, '万亩', 'min', '杭政办函〔2023〕21号 一（一）');

-- Settings an administrator changes without code (patrol deadlines, merge distance, …): one JSON
-- value per key; defaults live in src/farmland/settings.ts.
CREATE TABLE farmland_setting (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- 多田套合 runs: the three layer versions, the areas, per district, and the stored layer of the
-- patches missing from each layer.
CREATE TABLE farmland_taohe_run (
  id              serial PRIMARY KEY,
  versions        jsonb NOT NULL,
  yjjbnt_m2       double precision NOT NULL,
  coincide_m2     double precision NOT NULL,
  rate            double precision,
  by_district     jsonb NOT NULL,
  missing         jsonb NOT NULL,
  result_layer    text,
  result_version  int,
  duration_ms     double precision NOT NULL,
  note            text,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- 占补平衡 (土地管理法 第三十条): compensation lots (补充耕地 with 质量等别) are spent by
-- occupations. quota_type: farmland 耕地, forest 林地, grain 粮食生产功能区 (the cross-district
-- agreements of seed 000/001 trade all three).
CREATE TABLE farmland_lot (
  id            serial PRIMARY KEY,
  district      text NOT NULL,
  quota_type    text NOT NULL CHECK (quota_type IN ('farmland', 'forest', 'grain')),
  grade         int NOT NULL CHECK (grade BETWEEN 1 AND 15),  -- 耕地质量等别 1 (best) … 15
  paddy         boolean NOT NULL DEFAULT false,                -- 水田
  area_m2       double precision NOT NULL CHECK (area_m2 > 0),
  remaining_m2  double precision NOT NULL CHECK (remaining_m2 >= 0),
  source        text NOT NULL,                                 -- project, agreement, …
  agreement_id  int,
  year          int NOT NULL,
  note          text,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (remaining_m2 <= area_m2)
);
CREATE INDEX farmland_lot_district_idx ON farmland_lot (district, quota_type);

CREATE TABLE farmland_occupation (
  id          serial PRIMARY KEY,
  district    text NOT NULL,
  quota_type  text NOT NULL CHECK (quota_type IN ('farmland', 'forest', 'grain')),
  project     text NOT NULL,
  grade       int NOT NULL CHECK (grade BETWEEN 1 AND 15),
  paddy       boolean NOT NULL DEFAULT false,
  area_m2     double precision NOT NULL CHECK (area_m2 > 0),
  year        int NOT NULL,
  agreement_id int,                               -- set when the "occupation" is a transfer out
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE farmland_match (
  occupation_id int NOT NULL REFERENCES farmland_occupation(id),
  lot_id        int NOT NULL REFERENCES farmland_lot(id),
  area_m2       double precision NOT NULL CHECK (area_m2 > 0),
  PRIMARY KEY (occupation_id, lot_id)
);

-- Cross-district agreements (协作区县签订 …指标协议, seed 000): the seller's lots move to the buyer.
CREATE TABLE farmland_agreement (
  id            serial PRIMARY KEY,
  from_district text NOT NULL,
  to_district   text NOT NULL CHECK (to_district <> from_district),
  quota_type    text NOT NULL CHECK (quota_type IN ('farmland', 'forest', 'grain')),
  area_m2       double precision NOT NULL CHECK (area_m2 > 0),
  price_wan_per_mu double precision,                -- 万元/亩
  funds_yi      double precision,                   -- 亿元 协作资金
  signed_on     date NOT NULL,
  note          text,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- 进出平衡 (自然资源部 农业农村部 国家林草局《关于严格耕地用途管制有关问题的通知》自然资发〔2021〕166号):
-- cultivated land turned into other farm land (出) must be made good by other land turned into
-- cultivated land (进) within the same county and year.
CREATE TABLE farmland_inout (
  id          serial PRIMARY KEY,
  district    text NOT NULL,
  year        int NOT NULL,
  direction   text NOT NULL CHECK (direction IN ('in', 'out')),
  area_m2     double precision NOT NULL CHECK (area_m2 > 0),
  from_class  text,            -- 三调 DLBM before
  to_class    text,            -- after
  note        text,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX farmland_inout_idx ON farmland_inout (district, year);

-- 天巡地查: alerts from tower cameras, remote-sensing change detection and drones. Each alert
-- belongs to one case; alerts on the same spot share a case (多违合一, see patrol.ts).
CREATE TABLE farmland_case (
  id            serial PRIMARY KEY,
  status        text NOT NULL CHECK (status IN ('new', 'assigned', 'verified', 'rectifying', 'rectified', 'violation', 'false_alarm')),
  district      text,
  geom          geometry(Geometry, 4490) NOT NULL,
  opened_on     date NOT NULL,
  deadline      date NOT NULL,          -- of the current step
  assignee      text,
  verification  jsonb,
  outcome_note  text,
  closed_on     date,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX farmland_case_geom_idx ON farmland_case USING gist (geom);
CREATE INDEX farmland_case_status_idx ON farmland_case (status);

CREATE TABLE farmland_alert (
  id            serial PRIMARY KEY,
  source        text NOT NULL CHECK (source IN ('camera', 'remote-sensing', 'drone', 'patrol')),
  external_id   text,
  observed_at   timestamptz NOT NULL,
  geom          geometry(Geometry, 4490) NOT NULL,
  evidence_url  text,
  description   text,
  case_id       int NOT NULL REFERENCES farmland_case(id),
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source, external_id)
);
CREATE INDEX farmland_alert_geom_idx ON farmland_alert USING gist (geom);
CREATE INDEX farmland_alert_case_idx ON farmland_alert (case_id);

CREATE TABLE farmland_case_event (
  id        serial PRIMARY KEY,
  case_id   int NOT NULL REFERENCES farmland_case(id),
  at_date   date NOT NULL,
  actor     text NOT NULL,
  action    text NOT NULL,
  from_status text,
  to_status text NOT NULL,
  note      text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX farmland_case_event_idx ON farmland_case_event (case_id, id);

-- 土地综合整治 (seed 004): a project, its sub-areas (项目区 / 整治区 / …) and declared figures.
CREATE TABLE farmland_project (
  id          serial PRIMARY KEY,
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  district    text NOT NULL,
  pilot       boolean NOT NULL DEFAULT false,   -- 跨乡镇土地综合整治试点
  start_year  int NOT NULL,
  status      text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'implementing', 'accepted')),
  figures     jsonb NOT NULL DEFAULT '{}',
  -- {layer, version} of the current-land-use layer before and after (computes original and new
  -- cultivated land instead of the declared figures)
  before_ref  jsonb,
  after_ref   jsonb,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE farmland_project_area (
  id          serial PRIMARY KEY,
  project_id  int NOT NULL REFERENCES farmland_project(id),
  kind        text NOT NULL CHECK (kind IN ('project', 'consolidation')),  -- 项目区 / 整治区
  name        text NOT NULL,
  geom        geometry(MultiPolygon, 4490) NOT NULL,
  area_m2     double precision NOT NULL
);
CREATE INDEX farmland_project_area_idx ON farmland_project_area (project_id);
CREATE INDEX farmland_project_area_geom_idx ON farmland_project_area USING gist (geom);

CREATE TABLE farmland_project_check (
  id               serial PRIMARY KEY,
  project_id       int NOT NULL REFERENCES farmland_project(id),
  ruleset_name     text NOT NULL,
  ruleset_version  int NOT NULL,
  facts            jsonb NOT NULL,
  findings         jsonb NOT NULL,
  verdict          text NOT NULL,
  checked_on       date NOT NULL,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX farmland_project_check_idx ON farmland_project_check (project_id, id);
