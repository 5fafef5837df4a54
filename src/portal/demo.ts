// Demo consultations for the demo city: one plan under consultation today and one that closed,
// over the detailed-plan units around 武林广场 and 运河亚运公园 (demo/urban.ts names them). Dates
// are relative to the platform clock so the demo always has an open one. Called once at the end of
// generateDemo; a database that already has consultations is left alone.
import type { Db } from '../db/index.ts';
import type { Clock } from '../util/clock.ts';
import { addDays } from '../util/clock.ts';
import { findLayer } from '../catalogue/catalogue.service.ts';
import { appendAudit } from '../audit/audit.ts';
import * as repo from './portal.repository.ts';

// 城乡规划法 第二十六条: published for no less than 30 days.
const PUBLICATION_DAYS = 30;

const SITES: { lon: number; lat: number; open: boolean; title: (unit: string) => string; summary: string; planType: string }[] = [
  {
    lon: 120.165,
    lat: 30.272,
    open: true,
    planType: '详细规划',
    title: (u) => `《${u}详细规划（局部调整）》批前公示`,
    summary:
      '为完善片区公共服务配套，拟将单元内一处商业用地调整为社区公共服务设施用地（幼儿园、社区卫生服务中心），容积率上限与建筑限高不变。公示期间欢迎市民提出意见建议。',
  },
  {
    lon: 120.128,
    lat: 30.305,
    open: false,
    planType: '专项规划',
    title: (u) => `《${u}公园绿地与慢行系统专项规划》批前公示`,
    summary: '结合运河沿线公园建设，优化慢行步道和绿道布局，新增两处口袋公园。本次公示已结束，意见正在汇总办理。',
  },
];

export async function seedDemoConsultations(db: Db, clock: Clock): Promise<number> {
  if ((await repo.countConsultations(db)) > 0) return 0;
  const unitLayer = await findLayer(db, 'XXGHDY');
  const today = clock.today();
  let n = 0;
  for (const s of SITES) {
    const unit = unitLayer?.active_version ? await repo.polygonAt(db, unitLayer.id, unitLayer.active_version, s.lon, s.lat) : undefined;
    // A small demo scale may have no unit exactly there: a 1.2 km square stands in.
    const ewkb = unit?.ewkb ?? (await repo.squareAround(db, s.lon, s.lat, 600));
    const name = unit ? String(unit.props.DYMC ?? unit.fid) : '武林片区';
    const start = s.open ? addDays(today, -10) : addDays(today, -10 - PUBLICATION_DAYS - 30);
    const w: repo.ConsultationWrite = {
      title: s.title(name),
      summary: s.summary,
      planType: s.planType,
      organiser: '杭州市规划和自然资源局',
      startDate: start,
      endDate: addDays(start, PUBLICATION_DAYS - 1),
      documents: [{ title: '规划图则（公示稿）' }, { title: '规划说明' }],
    };
    await db.transaction(async (tx) => {
      const id = await repo.insertConsultation(tx, w, [ewkb], 'demo');
      await appendAudit(tx, { actor: 'demo', action: 'consultation.create', entity: 'consultation', entityId: id, after: w });
    });
    n++;
  }
  return n;
}
