#!/bin/sh
# Writes the tiny hand-made files of fixtures/formats/ (issue 17 item 1). The text formats (DXF,
# KML, CSV, MIF) are written by hand below; FileGDB and XLSX need a writer, so this script uses
# Debian's ogr2ogr (apt-get install gdal-bin; GDAL >= 3.6 writes FileGDB). Only for making
# fixtures: onemap itself reads them with gdal3.js. Coordinates: CGCS2000 3° GK zone 40 with the
# zone prefix (EPSG:4528), near E 40512345 N 3345678 in Hangzhou, as the TXT tests use.
set -eu
cd "$(dirname "$0")/../fixtures/formats"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# --- DXF: one closed LWPOLYLINE of 100 m × 100 m (= 10 000 m² = 15 亩), one open LWPOLYLINE, one TEXT.
dxf_head() { printf '0\nSECTION\n2\nHEADER\n9\n$ACADVER\n1\nAC1015\n9\n$DWGCODEPAGE\n3\nANSI_936\n0\nENDSEC\n0\nSECTION\n2\nENTITIES\n'; }
lwpoly() { # handle layer closed-flag x1 y1 x2 y2 ...
  h=$1 l=$2 f=$3; shift 3
  printf '0\nLWPOLYLINE\n5\n%s\n100\nAcDbEntity\n8\n%s\n100\nAcDbPolyline\n90\n%d\n70\n%d\n' "$h" "$l" $(($# / 2)) "$f"
  while [ $# -gt 0 ]; do printf '10\n%s\n20\n%s\n' "$1" "$2"; shift 2; done
}
{
  dxf_head
  lwpoly 2A HX 1 40512345 3345678 40512445 3345678 40512445 3345778 40512345 3345778
  lwpoly 2B ROAD 0 40512600 3345678 40512700 3345678 40512700 3345700
  printf '0\nTEXT\n5\n2C\n100\nAcDbEntity\n8\nHX\n100\nAcDbText\n10\n40512380\n20\n3345720\n40\n5\n1\nDK1\n'
  printf '0\nENDSEC\n0\nEOF\n'
} >square.dxf
{
  dxf_head
  lwpoly 3A ROAD 0 40512345 3345678 40512445 3345678 40512445 3345778
  lwpoly 3B ROAD 0 40512600 3345678 40512700 3345678
  printf '0\nENDSEC\n0\nEOF\n'
} >open_only.dxf

# --- DXF: a CIRCLE of radius 10 m (π·100 ≈ 314.16 m²) and a HATCH of 20 m × 30 m (600 m²) with a polyline boundary.
{
  dxf_head
  printf '0\nCIRCLE\n5\n4A\n100\nAcDbEntity\n8\nHX\n100\nAcDbCircle\n10\n40512345\n20\n3345678\n40\n10\n'
  printf '0\nHATCH\n5\n4B\n100\nAcDbEntity\n8\nFILL\n100\nAcDbHatch\n10\n0\n20\n0\n30\n0\n2\nSOLID\n70\n1\n71\n0\n91\n1\n'
  printf '92\n2\n72\n0\n73\n1\n93\n4\n10\n40512400\n20\n3345678\n10\n40512420\n20\n3345678\n10\n40512420\n20\n3345708\n10\n40512400\n20\n3345708\n97\n0\n'
  printf '75\n0\n76\n1\n98\n0\n'
  printf '0\nENDSEC\n0\nEOF\n'
} >circle_hatch.dxf

# --- KML: a 0.002° × 0.002° square with a 0.001° × 0.001° hole (a quarter of it) at 120.1°E 30.2°N.
cat >hole.kml <<'KML'
<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>红线</name>
<Placemark><name>地块一</name><Polygon>
<outerBoundaryIs><LinearRing><coordinates>120.100,30.200 120.102,30.200 120.102,30.202 120.100,30.202 120.100,30.200</coordinates></LinearRing></outerBoundaryIs>
<innerBoundaryIs><LinearRing><coordinates>120.1005,30.2005 120.1005,30.2015 120.1015,30.2015 120.1015,30.2005 120.1005,30.2005</coordinates></LinearRing></innerBoundaryIs>
</Polygon></Placemark>
</Document></kml>
KML

# --- CSV with a WKT column: one 100 m × 100 m parcel in zone 40 (prefixed eastings).
printf '%s\n' 'BSM,名称,WKT' \
  '1001,东地块,"POLYGON ((40512345 3345678,40512445 3345678,40512445 3345778,40512345 3345778,40512345 3345678))"' >wkt.csv

# --- Boundary-point tables: DK1 100 m × 100 m (10 000 m²), DK2 50 m × 80 m (4 000 m²); X north, Y east.
printf '%s\n' '点号,X,Y,地块编号' \
  J1,3345678,40512345,DK1 J2,3345778,40512345,DK1 J3,3345778,40512445,DK1 J4,3345678,40512445,DK1 J1,3345678,40512345,DK1 \
  J1,3345678,40512600,DK2 J2,3345758,40512600,DK2 J3,3345758,40512650,DK2 J4,3345678,40512650,DK2 >"$T/points.csv"
cp "$T/points.csv" points.csv
cut -d, -f1,2,4 "$T/points.csv" >"$T/missing.csv"
# X/Y as numbers, the rest as text (the .csvt), as a surveyor's sheet holds them.
echo '"String","Real","Real","String"' >"$T/points.csvt"
echo '"String","Real","String"' >"$T/missing.csvt"
rm -f parcels.xlsx missing_column.xlsx
ogr2ogr -f XLSX -nln 界址点 parcels.xlsx "$T/points.csv"
ogr2ogr -f XLSX -nln 界址点 missing_column.xlsx "$T/missing.csv"

# --- FileGDB with two layers and Chinese layer and field names.
cat >"$T/dltb.geojson" <<'J'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"图斑编号":"TB1","地类名称":"水田"},"geometry":{"type":"Polygon","coordinates":[[[40512345,3345678],[40512445,3345678],[40512445,3345778],[40512345,3345778],[40512345,3345678]]]}},
{"type":"Feature","properties":{"图斑编号":"TB2","地类名称":"林地"},"geometry":{"type":"Polygon","coordinates":[[[40512445,3345678],[40512545,3345678],[40512545,3345728],[40512445,3345728],[40512445,3345678]]]}}]}
J
cat >"$T/xzq.geojson" <<'J'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"行政区名称":"示范村"},"geometry":{"type":"Polygon","coordinates":[[[40512300,3345600],[40512600,3345600],[40512600,3345800],[40512300,3345800],[40512300,3345600]]]}}]}
J
rm -rf two_layers.gdb two_layers.gdb.zip corrupt.gdb
ogr2ogr -f OpenFileGDB -a_srs EPSG:4528 -nln 地类图斑 -nlt POLYGON two_layers.gdb "$T/dltb.geojson"
ogr2ogr -f OpenFileGDB -update -a_srs EPSG:4528 -nln 行政区 -nlt POLYGON two_layers.gdb "$T/xzq.geojson"
zip -qr two_layers.gdb.zip two_layers.gdb
# A FileGDB whose tables are overwritten with zeros: what a broken copy from a USB stick looks like.
cp -r two_layers.gdb corrupt.gdb
for f in corrupt.gdb/*.gdbtable; do head -c "$(wc -c <"$f")" /dev/zero >"$f"; done

# --- MapInfo MIF: the two 图斑 (100 m × 100 m and 100 m × 50 m) in CGCS2000 lon/lat, which MapInfo's
# CoordSys can state (it has no prefixed-zone GK system); MapInfo field names are ASCII.
sed -e 's/图斑编号/TBBH/g' -e 's/地类名称/DLMC/g' "$T/dltb.geojson" >"$T/tb.geojson"
rm -f square.mif square.mid
ogr2ogr -f 'MapInfo File' -dsco FORMAT=MIF -s_srs EPSG:4528 -t_srs EPSG:4490 square.mif "$T/tb.geojson"
