/**
 * The forum reproduction that `npm start` (`virtual-boron demo`) runs: the thread's routine as
 * posted and as fixed, as a TypeScript port and as C++ compiled from examples/forum-ota-cpp.
 */
import type { Sketch, VirtualBoron } from 'virtual-boron';
import { compileOtaTest } from '../forum-ota-cpp/sketches';
import { runForumScenario } from './scenario';

export interface DemoRun {
  title: string;
  language: 'TypeScript' | 'C++';
  fixed: boolean;
  /** The app under test, when it is not the TypeScript port; compiling it needs the optional C++ toolchain. */
  compile?: () => Promise<Sketch>;
}

export const DEMO_RUNS: readonly DemoRun[] = [
  { title: 'The routine as first posted (no file.chunk_address = 0)', language: 'TypeScript', fixed: false },
  { title: 'The fixed routine (file.chunk_address = 0 before Prepare)', language: 'TypeScript', fixed: true },
  { title: 'The C++ routine as posted, compiled and run unmodified', language: 'C++', fixed: false, compile: () => compileOtaTest({ initialiseChunkAddress: false }) },
  { title: 'The C++ routine with the fix', language: 'C++', fixed: true, compile: () => compileOtaTest({ initialiseChunkAddress: true }) },
];

/** Power on, press 'o' when the thread's user did, and run until the device has rebooted into an app. */
export const runDemo = (run: DemoRun, app?: Sketch): Promise<VirtualBoron> => runForumScenario({ fixed: run.fixed, app });

/** Whether the update worked: the downloaded app ("simple") is the one running. */
export const updated = (device: VirtualBoron): boolean => device.appName === 'simple';
