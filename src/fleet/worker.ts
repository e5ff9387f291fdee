/** A fleet's worker thread (run by piscina): one task is one device of the fleet. */
import { loadScenario, runDevice, type FleetContext, type FleetDeviceResult, type FleetExportNames } from './scenario';

/** What `runFleet` posts for each device: plain data, since functions cannot cross to a worker. */
export interface FleetTask {
  /** The fleet module's path; each worker `require`s it once. */
  module: string;
  names: FleetExportNames;
  context: FleetContext;
}

export default function runTask(task: FleetTask): Promise<FleetDeviceResult> {
  return runDevice(loadScenario(task.module, task.names), task.context);
}
