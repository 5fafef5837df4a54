-- Where a version's coordinates came from and how they were converted (issue 18 item 3): the
-- import's CRS note — ".prj CGCS2000_3_Degree_GK_Zone_40", "TXT 带号=40", or a web-map conversion
-- "按 GCJ-02 换算为 CGCS2000" (--from gcj02|bd09, decision 0010) — kept with the version, so a
-- boundary shifted back from 高德/百度 coordinates says so in its history.
ALTER TABLE layer_version ADD COLUMN source_crs text;
