/**
 * Every type a user meets through the public API can be named from the public entry: the
 * device's parts (serial, flash, server, clock, events), the sketch API's objects, the options'
 * parts, what the matchers read. `npx tsc --noEmit` fails if one of these is not exported.
 */
import type {
  Alarm,
  BoronFlash,
  BuildModuleOptions,
  CloudFunction,
  Delivery,
  DependencyFailure,
  Descriptor,
  DescriptorField,
  DeviceEventMap,
  DeviceOsProfile,
  DeviceState,
  Diagnostic,
  DnsOptions,
  EventBus,
  FaultKind,
  FaultTarget,
  FinishResultArgument,
  HalModuleResult,
  InstalledModule,
  LinkChannel,
  LinkModel,
  LogFilter,
  LogFunction,
  LogRecord,
  Micros,
  ModuleBounds,
  ModuleCheck,
  ModulePrefix,
  NetworkFault,
  Printable,
  PrintfArg,
  RealServerAddress,
  RequestHandler,
  SerialApi,
  SerialPort,
  SketchApi,
  Stamped,
  StackOption,
  SystemApi,
  SystemEventHandler,
  SystemEventName,
  TCPClient,
  TraceEntry,
  UpdateApi,
  VirtualBoron,
  VirtualBoronOptions,
  VirtualClock,
  VirtualHttpServer,
} from '../../src/index';
import type { VirtualBoronMatchers } from '../../src/jest';

/** Each public member's type, as a user's code would name it. */
type Met = [
  VirtualBoron['serial'] extends SerialPort ? true : never,
  VirtualBoron['flash'] extends BoronFlash ? true : never,
  VirtualBoron['server'] extends VirtualHttpServer ? true : never,
  VirtualBoron['clock'] extends VirtualClock ? true : never,
  VirtualBoron['events'] extends EventBus ? true : never,
  VirtualBoron['profile'] extends DeviceOsProfile ? true : never,
  VirtualBoron['state'] extends DeviceState ? true : never,
  SketchApi['Serial'] extends SerialApi ? true : never,
  SketchApi['System'] extends SystemApi ? true : never,
  SketchApi['Log'] extends LogFunction ? true : never,
  InstanceType<SketchApi['TCPClient']> extends TCPClient ? true : never,
  InstanceType<SketchApi['FileTransfer']['Descriptor']> extends Descriptor ? true : never,
  DeviceOsProfile['otaRegion'] extends ModuleBounds ? true : never,
  DeviceOsProfile['updateApi'] extends UpdateApi ? true : never,
  NonNullable<VirtualBoronOptions['dns']> extends DnsOptions ? true : never,
  NonNullable<VirtualBoronOptions['server']>[number] extends RequestHandler ? true : never,
  NonNullable<VirtualBoronOptions['faults']>[number] extends NetworkFault ? true : never,
  NetworkFault['kind'] extends FaultKind ? true : never,
  ReturnType<LinkModel['open']> extends LinkChannel ? true : never,
  ReturnType<LinkChannel['downlink']>[number] extends Delivery ? true : never,
  Parameters<SystemApi['on']> extends [SystemEventName, SystemEventHandler] ? true : never,
  Parameters<SketchApi['Particle']['function']>[1] extends CloudFunction ? true : never,
  Parameters<SerialApi['print']>[0] extends Printable ? true : never,
  Parameters<SketchApi['sprintf']>[1] extends PrintfArg ? true : never,
  NonNullable<HalModuleResult['check']> extends ModuleCheck ? true : never,
];

describe('the public entry', () => {
  it('names every type a user meets (checked by the type-checker)', () => {
    const met: Met = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
    expect(met.every(Boolean)).toBe(true);
    // The rest are named here so that removing one from the entry fails the type-check.
    const named: [Alarm?, BuildModuleOptions?, DependencyFailure?, DescriptorField?, DeviceEventMap?, Diagnostic?, FaultTarget?, FinishResultArgument?, InstalledModule?, LogFilter?, LogRecord?, Micros?, ModulePrefix?, RealServerAddress?, Stamped<object>?, StackOption?, TraceEntry?, VirtualBoronMatchers?] = [];
    expect(named).toEqual([]);
  });
});
