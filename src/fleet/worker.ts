/** A fleet's worker thread (run by piscina): one task is one device of the fleet. */
import { EmulatorError } from '../sim/messages';
import { loadScenario, runDevice, type FleetContext, type FleetDeviceResult, type FleetExportNames, type FleetScenario } from './scenario';

/** What `runFleet` posts for each device: plain data, since functions cannot cross to a worker. */
export interface FleetTask {
  /** The fleet module's path; each worker `require`s it once. */
  module: string;
  names: FleetExportNames;
  context: FleetContext;
}

/** A device's result, or why the module could not be used (an error's code does not survive the trip back). */
export type FleetTaskResult = FleetDeviceResult | { unusable: { code: string; message: string } };

export default async function runTask(task: FleetTask): Promise<FleetTaskResult> {
  let scenario: FleetScenario;
  try {
    scenario = loadScenario(task.module, task.names);
  } catch (error) {
    return { unusable: { code: error instanceof EmulatorError ? error.code : 'FLEET_MODULE', message: error instanceof Error ? error.message : String(error) } };
  }
  return runDevice(scenario, task.context);
}
