// Layers that are unions computed in PostGIS (analysis.ts), given their attributes here:
// 行政区, 详细规划单元, 生态保护红线, 城镇开发边界, 耕地保护红线, 工业用地控制线, 地灾线, 蓝线.
import type { City } from './classify.ts';
import type { Analysis } from './analysis.ts';
import type { DemoFeature } from './features.ts';
import { DISTRICTS } from './districts.ts';
import { CORES, WATERS } from './model.ts';
import { pad } from './classify.ts';
import { rand, pick } from './prng.ts';
import { numberer } from './farmland.ts';

const S_UNIT = 601;
const S_DZX = 602;

export function xzq(a: Analysis): DemoFeature[] {
  return a.xzq.map((u) => ({
    fid: DISTRICTS[u.key].code,
    wkb: u.wkb,
    props: { XZQDM: DISTRICTS[u.key].code, XZQMC: DISTRICTS[u.key].name },
  }));
}

/** Approving authority abbreviation for rural units (the district or county government). */
const ABBR: Record<string, string> = {
  上城: '上',
  拱墅: '拱',
  西湖: '西',
  滨江: '滨',
  萧山: '萧',
  余杭: '余',
  富阳: '富',
  临安: '临',
  临平: '临平',
  钱塘: '钱',
  桐庐: '桐',
  淳安: '淳',
  建德: '建',
};

/** The detailed-plan units with their control indicators (domain.md §3). */
export function xxghdy(city: City, a: Analysis): DemoFeature[] {
  const seed = city.seed;
  return a.units.map((u) => {
    const unit = city.units[u.key];
    const d = DISTRICTS[unit.district];
    const r = (k: number) => rand(seed, S_UNIT, u.key, k);
    const year = 2021 + Math.floor(r(1) * 5);
    let props: Record<string, unknown>;
    if (unit.urban) {
      const intensity = Math.max(0, Math.min(1, 1 - unit.minRel)) * (0.75 + 0.5 * r(2));
      props = {
        DYLX: '城镇单元',
        RJLSX: round(1 + 3 * Math.min(1, intensity), 1),
        JZMDSX: 28 + Math.round(r(3) * 12),
        LDLXX: 25 + Math.round(r(4) * 10),
        JZXG: 24 + 6 * Math.round((Math.min(1, intensity) * 126) / 6),
        PFWH: `杭政函〔${year}〕${10 + Math.floor(r(5) * 180)}号`,
      };
    } else {
      props = {
        DYLX: '乡村单元',
        RJLSX: round(0.8 + 0.4 * r(2), 1),
        JZMDSX: 30 + Math.round(r(3) * 10),
        LDLXX: 15 + Math.round(r(4) * 10),
        JZXG: r(6) < 0.7 ? 18 : 24,
        PFWH: `${ABBR[d.short]}政函〔${year}〕${10 + Math.floor(r(5) * 180)}号`,
      };
    }
    return { fid: unit.dybh, wkb: u.wkb, props: { DYBH: unit.dybh, DYMC: unit.dymc, ...props } };
  });
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

const ECO_TYPE: Record<string, string> = { 淳安: '水源涵养', 建德: '水源涵养', 临安: '生物多样性维护', 桐庐: '水土保持', 富阳: '水土保持' };

export function stbhhx(a: Analysis): DemoFeature[] {
  const next = numberer();
  return a.eco.map((p) => {
    const d = DISTRICTS[p.key];
    const n = next(p.key);
    const type = ECO_TYPE[d.short] ?? (n % 2 ? '水土保持' : '生物多样性维护');
    const hxbh = `${d.code}ST${pad(n, 3)}`;
    return { fid: hxbh, wkb: p.wkb, props: { HXBH: hxbh, HXMC: `${d.name}${type}生态保护红线区块${n}`, STGNLX: type } };
  });
}

export function czkfbj(a: Analysis): DemoFeature[] {
  return a.czk.map((p) => {
    const bh = `CZKFBJ${pad(p.key, 3)}`;
    return { fid: bh, wkb: p.wkb, props: { BJBH: bh, BJLX: '城镇集中建设区' } };
  });
}

export function gdbhhx(a: Analysis): DemoFeature[] {
  return a.gdb.map((p) => {
    const d = DISTRICTS[p.key];
    return { fid: `${d.code}GDHX`, wkb: p.wkb, props: { HXBH: `${d.code}GDHX`, ZLDWDM: `${d.code}${'0'.repeat(13)}` } };
  });
}

/** Industrial clusters of the "296X" kind, one per urban core that has industrial land. */
const CLUSTERS = [
  '视觉智能（数字安防）',
  '生物医药',
  '智能装备',
  '集成电路',
  '新能源汽车及零部件',
  '智能物联',
  '高端装备制造',
  '绿色石化与新材料',
  '航空航天',
  '智能光伏',
  '网络通信',
  '节能环保',
];

export function gyydkzx(a: Analysis): DemoFeature[] {
  return a.industry.map((p, k) => {
    const bh = `GYKZX${pad(k + 1, 3)}`;
    return { fid: bh, wkb: p.wkb, props: { KZXBH: bh, CYJQ: `${CORES[p.key].name}${CLUSTERS[p.key % CLUSTERS.length]}产业集群` } };
  });
}

export function dzx(city: City, a: Analysis): DemoFeature[] {
  const next = numberer();
  return a.dzx.map((p, k) => {
    const d = DISTRICTS[p.key];
    const n = next(p.key);
    const type = ['滑坡', '崩塌', '泥石流'][pick([55, 25, 20], rand(city.seed, S_DZX, k, 1))];
    return {
      fid: `${d.code}DZ${pad(n, 3)}`,
      wkb: p.wkb,
      props: { ZHLX: type, YFCD: rand(city.seed, S_DZX, k, 2) < 0.4 ? '高易发' : '中易发' },
    };
  });
}

export function lanx(a: Analysis): DemoFeature[] {
  return a.water.map((p) => ({
    fid: `LANX${pad(p.key + 1, 3)}`,
    wkb: p.wkb,
    props: { STMC: WATERS[p.key].name, STLX: WATERS[p.key].kind },
  }));
}
