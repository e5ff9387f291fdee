/**
 * virtual-boron: a deterministic emulator of a Particle Boron for testing application-level OTA
 * routines. This is the public API; examples, tests and the CLI use nothing else.
 */
export { VirtualBoron, type VirtualBoronOptions, type InstalledModule, type DeviceState, type DeviceSnapshot, type DeviceInput } from './device/virtual-boron';
export { BORON_DEFAULTS } from './device/config';
export { defineSketch, type Sketch, type SketchApi, type SketchHost, type SketchInstance, type SketchOptions, type SystemMode } from './device/sketch';
export { compileSketch, SketchCompileError, type CompileSketchOptions, type CompileDiagnostic } from './cpp/compile-sketch';
export type { SketchSource } from './cpp/sources';
export { USER_BACKUP_RAM_SIZE } from './device/backup-ram';
export { buildModule, type BuildModuleOptions } from './device/images';
export type { LogRecord, LogFilter, LogFunction } from './device/logging';
export type { SerialApi, SerialPort, Printable } from './device/serial';
export { UpdateStatus, type SystemApi, type SystemEventName, type SystemEventHandler } from './device/system-api';
export type { CloudFunction } from './device/device-os';
export type { StackOption } from './device/stack';
export { ModuleFunction, ModuleFlag, PLATFORM_BORON, type ModuleDependency, type ModuleSpec, type ModulePrefix } from './ota/module-format';
export { parseModule, findPrefixOffset, ExtensionType, type ParsedModule, type ModuleExtension } from './ota/module-file';
export { Validation, type ModuleBounds, type ModuleCheck, type DependencyFailure } from './ota/validation';
export { UpdateFlag, FirmwareUpdateEvent, FINISH_RESULT_BUFFER_SIZE, type HalModuleResult, type FinishResultArgument } from './ota/system-update';
export { SystemError } from './ota/ota-hal';
export { FileTransferStore, Descriptor, type DescriptorField } from './ota/descriptor';
export { DEVICE_OS_VERSIONS, PROFILES, type DeviceOsVersion, type DeviceOsProfile, type UpdateApi } from './ota/profiles';
export { BoronMap, type BoronFlash } from './hal/boron-flash';
export { NorFlash, type NorFlashGeometry, type NorFlashTiming, type NorFlashStats, type FlashOperation, type FlashOperationControl, type FlashOperationHook, type FlashImage } from './hal/nor-flash';
export type { DctModuleSlots, DctOperation, DctOperationControl, DctOperationHook, ModuleSlot } from './ota/dct-slots';
export { recordedLink, parametricLink, idealLink, type LinkModel, type LinkChannel, type Delivery, type LossListener, type RecordedSchedule, type ParametricLinkOptions } from './net/link';
export { PACKET_BYTES, type DataUsage, type LinkLoss } from './net/data-usage';
export { LINK_PROFILES, FORUM_SCHEDULE, type LinkProfileName } from './net/link-profiles';
export { recordSchedule } from './net/record';
export type { RealServerAddress } from './net/real-server';
export { wireResponse, type WireResponseInit } from './net/wire-response';
export { firmwareRoute, type FirmwareRouteOptions } from './net/firmware-route';
export type { NetworkFault, FaultTarget, FaultKind } from './net/faults';
export type { DnsOptions } from './net/network';
export type { VirtualHttpServer, RequestHandler } from './net/http-server';
export type { TCPClient } from './net/tcp-client';
export { LogLevel } from './sim/log-format';
export type { PrintfArg } from './sim/printf';
export type { VirtualClock, Alarm, Micros } from './sim/clock';
export { EmulatorError } from './sim/messages';
export type { Diagnostic } from './sim/diagnostics';
export type { TraceEntry, TraceLevel, DeviceEventMap, DeviceEventName, EventBus, Stamped } from './sim/events';
export { writeReport, reportData, renderReport } from './report/index';
export type {
  ReportData,
  ReportOptions,
  AddressRange,
  MapRegion,
  FlashActivity,
  ChipReport,
  UpdateReport,
  FinishReport,
  ValidationCheck,
  TimelineReport,
  TimelineEvent,
  SaveEntry,
  LogEntry,
  SummaryLine,
} from './report/model';
export { REPORT_TRACE_EVENTS } from './report/run-record';
export { SWEEP_OUTCOMES, type SweepReportInput, type SweepOperation, type SweepCell, type SweepOutcome, type SweepGrid } from './report/sweep';
