// WASI 0.2 components as containers (DESIGN.md "Guest ABIs" (2)):
//   compile.ts            jco transpile once per digest (+ disk cache), core modules through the engine
//   component-sandbox.ts  start on the sandbox's warm workers (Container, limits, logs, stop)
//   http-frontend.ts      the runtime-owned listener for wasi:http/incoming-handler components
//   worker/run.ts         the worker side; wasi/*.ts the per-container WASI 0.2 implementations
//   launch.ts             the kubelet's ContainerRuntime.start for component images
export { isComponent } from './detect.js';
export { ComponentCompiler, type ComponentImage, type ComponentCompilerOptions } from './compile.js';
export { ComponentSandbox, type ComponentStartOptions } from './component-sandbox.js';
export { SUPPORTED_INTERFACES, checkComponentImports } from './interfaces.js';
export { launch, type LaunchTarget } from './launch.js';
