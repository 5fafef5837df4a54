// The check-up report as a workbook: the overview, the districts ranked per indicator, the
// five-year evaluation, the alerts and where every value came from.
import ExcelJS from 'exceljs';
import { addSheet } from '../tables.ts';
import { LEVEL_TEXT, type ReportContent } from './content.ts';

const round = (v: number | null, d: number) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d);

export async function renderReportXlsx(c: ReportContent): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '国土空间规划“一张图”实施监督信息系统';
  wb.title = c.title;
  const head = addSheet(
    wb,
    '指标总览',
    ['维度', '指标代码', '指标名称', '单位', '当年值', '数据来源', '累计值', '目标', '预警等级', '评估说明', '责任部门'],
    c.indicators.map((i) => [
      i.dimension,
      i.code,
      i.name,
      i.unit,
      round(i.value, i.decimals),
      i.source === 'reported' ? '上报' : i.source === 'computed' ? '计算' : '',
      round(i.cumulative, i.decimals),
      i.targetText,
      i.levelText,
      i.reason,
      i.department,
    ]),
  );
  head.spliceRows(
    1,
    0,
    [c.title],
    [
      `评估日期 ${c.evaluatedOn}，生成日期 ${c.generatedOn}；正常 ${c.counts.green} 项，预警 ${c.counts.yellow} 项，告警 ${c.counts.red} 项`,
    ],
  );
  head.getRow(1).font = { bold: true, size: 14 };
  head.views = [{ state: 'frozen', ySplit: 3 }];
  addSheet(
    wb,
    '区县排名',
    ['指标代码', '指标名称', '排名', '区县代码', '区县', '数值', '单位', '预警等级'],
    c.indicators.flatMap((i) =>
      i.districts.map((d) => [
        i.code,
        i.name,
        d.rank,
        d.code,
        d.name,
        round(d.value, i.decimals),
        i.unit,
        d.level ? LEVEL_TEXT[d.level] : '',
      ]),
    ),
  );
  const ev = c.evaluation;
  addSheet(
    wb,
    '五年评估',
    ['指标名称', '单位', ...ev.years.map(String), '变化', '变化率%', '年均变化', '趋势'],
    ev.indicators.map((i) => [
      i.name,
      i.unit,
      ...i.values.map((v) => round(v.value, i.decimals)),
      round(i.change, i.decimals),
      round(i.changePercent, 2),
      round(i.averageAnnualChange, i.decimals),
      i.improving === null ? '' : i.improving ? '向好' : '趋弱',
    ]),
  );
  addSheet(
    wb,
    '预警清单',
    ['编号', '指标', '地区', '年度', '等级', '说明', '责任部门', '状态', '发出日期'],
    c.alerts.map((a) => [
      a.id,
      a.indicatorName ?? a.indicator,
      a.regionName,
      a.year,
      LEVEL_TEXT[a.level],
      a.reason,
      a.department,
      a.status === 'open' ? '待处理' : '已确认',
      a.raisedOn,
    ]),
  );
  addSheet(
    wb,
    '数据来源',
    ['指标代码', '指标名称', '定义', '依据', '数据来源', '说明'],
    c.indicators.map((i) => [i.code, i.name, i.definition, i.basis, i.provenance, i.note]),
    [12, 24, 50, 50, 60, 30],
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}
