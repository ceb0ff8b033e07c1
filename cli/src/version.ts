export const WASMKUBE_VERSION = '0.1.0';
export const KUBERNETES_VERSION = 'v1.32.0';
