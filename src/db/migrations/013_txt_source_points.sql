-- What a coordinate TXT (domain.md §10) says beyond geometry and attributes, kept so its export
-- writes the file back as the bureau wrote it (issue 18 item 5): the [属性描述] header (数据产生单位,
-- 日期, 精度, …) with the version, and each parcel's point names and 圈号 with the feature. They
-- live outside feature.props on purpose: props become .dbf fields (254 bytes each) and GeoJSON
-- properties, and a list of point names is neither.
--
-- source_points: one entry per ring in the stored geometry's ring order (part by part, outer ring
-- first), each {"r": 圈号 as written, "n": [point names, one per vertex, closing vertex included]}.
-- NULL when the source was not a TXT. Only valid while the vertex counts still match the geometry.
ALTER TABLE feature ADD COLUMN source_points jsonb;
-- source_header: the [属性描述] key=value pairs in the order written; NULL when not a TXT.
ALTER TABLE layer_version ADD COLUMN source_header jsonb;
