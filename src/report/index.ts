import { writeFileSync } from 'node:fs';
import type { VirtualBoron } from '../device/virtual-boron';
import { reportData, type ReportData, type ReportOptions } from './model';
import { renderReport } from './render';

export { reportData, buildReport, type ReportData, type ReportOptions } from './model';
export { renderReport } from './render';

/**
 * Write a device's run so far as one self-contained HTML file at `path` (it loads nothing from
 * anywhere, so it opens offline). Returns the data model it drew.
 */
export function writeReport(device: VirtualBoron, path: string, options: ReportOptions = {}): ReportData {
  const data = reportData(device, options);
  writeFileSync(path, renderReport(data));
  return data;
}
