// Land classes: 三调 survey codes (DLTB: DLBM/DLMC), their 用地用海分类 (2023) planning codes (GHYD:
// YDYHFLDM/YDYHFLMC), and 土地用途 names for parcels (ZD: TDYT). The survey → planning mapping is
// the demo's own simplified table (a cell's planned use is drawn among the listed codes). Where the
// two classifications number the same land class differently, the plan uses the 2023 code: 三调
// 0305 灌木林地 → 0303, 0307 其他林地 → 0304, 0404 其他草地 → 0403 (the 2023 分类 has no 0305, 0307,
// 0404; 成果质检 rule GHYD.YDYHFLDM refuses them).

export type Group = 'cult' | 'garden' | 'forest' | 'grass' | 'urban' | 'village' | 'road' | 'water' | 'other';

export interface LandClass {
  dlbm: string;
  dlmc: string;
  group: Group;
  /** Planning codes (用地用海分类 2023) this survey class maps to; the first is the usual one. */
  plan: string[];
  /** 土地用途 of a parcel on this class (built-up classes only). */
  tdyt?: string;
}

export const PLAN_NAMES: Record<string, string> = {
  '0101': '水田',
  '0102': '水浇地',
  '0103': '旱地',
  '0201': '果园',
  '0202': '茶园',
  '0204': '其他园地',
  '0301': '乔木林地',
  '0302': '竹林地',
  '0303': '灌木林地',
  '0304': '其他林地',
  '0403': '其他草地',
  '0601': '乡村道路用地',
  '0602': '种植设施建设用地',
  '0701': '城镇住宅用地',
  '0702': '城镇社区服务设施用地',
  '0703': '农村宅基地',
  '0801': '机关团体用地',
  '0802': '科研用地',
  '0803': '文化用地',
  '0804': '教育用地',
  '0805': '体育用地',
  '0806': '医疗卫生用地',
  '0807': '社会福利用地',
  '0901': '商业用地',
  '0902': '商务金融用地',
  '1001': '工业用地',
  '1002': '采矿用地',
  '1101': '物流仓储用地',
  '1202': '公路用地',
  '1203': '机场用地',
  '1207': '城镇道路用地',
  '1208': '交通场站用地',
  '1301': '供水用地',
  '1302': '排水用地',
  '1303': '供电用地',
  '1304': '供燃气用地',
  '1309': '环卫用地',
  '1401': '公园绿地',
  '1402': '防护绿地',
  '1403': '广场用地',
  '16': '留白用地',
  '1701': '河流水面',
  '1702': '湖泊水面',
  '1703': '水库水面',
  '1704': '坑塘水面',
  '1705': '沟渠',
};

export const CLASSES: readonly LandClass[] = [
  { dlbm: '0101', dlmc: '水田', group: 'cult', plan: ['0101'] },
  { dlbm: '0102', dlmc: '水浇地', group: 'cult', plan: ['0102'] },
  { dlbm: '0103', dlmc: '旱地', group: 'cult', plan: ['0103'] },
  { dlbm: '0201', dlmc: '果园', group: 'garden', plan: ['0201'] },
  { dlbm: '0202', dlmc: '茶园', group: 'garden', plan: ['0202'] },
  { dlbm: '0204', dlmc: '其他园地', group: 'garden', plan: ['0204'] },
  { dlbm: '0301', dlmc: '乔木林地', group: 'forest', plan: ['0301'] },
  { dlbm: '0302', dlmc: '竹林地', group: 'forest', plan: ['0302'] },
  { dlbm: '0305', dlmc: '灌木林地', group: 'forest', plan: ['0303'] },
  { dlbm: '0307', dlmc: '其他林地', group: 'forest', plan: ['0304'] },
  { dlbm: '0404', dlmc: '其他草地', group: 'grass', plan: ['0403'] },
  { dlbm: '05H1', dlmc: '商业服务业设施用地', group: 'urban', plan: ['0901', '0902'], tdyt: '商服用地' },
  { dlbm: '0508', dlmc: '物流仓储用地', group: 'urban', plan: ['1101'], tdyt: '物流仓储用地' },
  { dlbm: '0601', dlmc: '工业用地', group: 'urban', plan: ['1001'], tdyt: '工业用地' },
  { dlbm: '0602', dlmc: '采矿用地', group: 'other', plan: ['1002'] },
  { dlbm: '0701', dlmc: '城镇住宅用地', group: 'urban', plan: ['0701', '0701', '0701', '0702'], tdyt: '城镇住宅用地' },
  { dlbm: '0702', dlmc: '农村宅基地', group: 'village', plan: ['0703'] },
  { dlbm: '08H1', dlmc: '机关团体新闻出版用地', group: 'urban', plan: ['0801'], tdyt: '机关团体用地' },
  { dlbm: '08H2', dlmc: '科教文卫用地', group: 'urban', plan: ['0804', '0806', '0803', '0805', '0802'], tdyt: '科教文卫用地' },
  { dlbm: '0809', dlmc: '公用设施用地', group: 'urban', plan: ['1303', '1301', '1302', '1304', '1309'], tdyt: '公用设施用地' },
  { dlbm: '0810', dlmc: '公园与绿地', group: 'urban', plan: ['1401', '1401', '1403'] },
  { dlbm: '1003', dlmc: '公路用地', group: 'road', plan: ['1202'] },
  { dlbm: '1004', dlmc: '城镇村道路用地', group: 'road', plan: ['1207'] },
  { dlbm: '1005', dlmc: '交通服务场站用地', group: 'urban', plan: ['1208'], tdyt: '交通服务场站用地' },
  { dlbm: '1006', dlmc: '农村道路', group: 'road', plan: ['0601'] },
  { dlbm: '1007', dlmc: '机场用地', group: 'other', plan: ['1203'] },
  { dlbm: '1101', dlmc: '河流水面', group: 'water', plan: ['1701'] },
  { dlbm: '1102', dlmc: '湖泊水面', group: 'water', plan: ['1702'] },
  { dlbm: '1103', dlmc: '水库水面', group: 'water', plan: ['1703'] },
  { dlbm: '1104', dlmc: '坑塘水面', group: 'water', plan: ['1704'] },
  { dlbm: '1107', dlmc: '沟渠', group: 'water', plan: ['1705'] },
  { dlbm: '1202', dlmc: '设施农用地', group: 'other', plan: ['0602'] },
];

const INDEX = new Map(CLASSES.map((c, k) => [c.dlbm, k]));

/** Index of a 三调 code in CLASSES. */
export function cls(dlbm: string): number {
  const k = INDEX.get(dlbm);
  if (k === undefined) throw new Error(`unknown 三调 code ${dlbm}`);
  return k;
}

/** A weighted menu of classes: [dlbm, weight][] → parallel arrays for `pick`. */
export function menu(entries: [string, number][]): { classes: number[]; weights: number[] } {
  return { classes: entries.map((e) => cls(e[0])), weights: entries.map((e) => e[1]) };
}

export const isCultivated = (k: number) => CLASSES[k].group === 'cult';
export const isForestOrGrass = (k: number) => CLASSES[k].group === 'forest' || CLASSES[k].group === 'grass';
