/**
 * virtual-boron/fleet: many virtual Borons against one server, on worker threads. `device` and
 * `drive` reach the workers as the exports of a module (`runFleet({ module })`), since functions
 * cannot be posted to a thread.
 */
export { runFleet, type FleetOptions } from './run-fleet';
export { defineFleet, type FleetScenario, type FleetContext, type FleetDeviceResult, type FleetExportNames } from './scenario';
export { type FleetReport, type FleetDeviceReport, type Distribution } from './report';
export { PACKET_BYTES, type DataUsage } from '../net/data-usage';
