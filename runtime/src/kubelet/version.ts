// Versions the node reports (nodeInfo) and the agent's user agent.

export const RUNTIME_VERSION = '0.1.0';
export const KUBELET_VERSION = 'v1.32.0-wasmkube';
export const NODE_VERSION = process.version;
