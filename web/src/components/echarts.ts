// ECharts with only the parts the pages use (line, bar, grid, tooltip, legend, mark lines), drawn
// in the page's own fonts so Chinese labels match the rest of the UI. Shared by EChart.vue.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, MarkLineComponent, LegendComponent, CanvasRenderer]);

export const FONT = 'system-ui, "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
export { echarts };
export type EChart = ReturnType<typeof echarts.init>;
