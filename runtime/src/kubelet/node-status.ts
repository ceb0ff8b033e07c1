// The Node object this agent registers and keeps current, as kubelet reports it.

import os from 'node:os';
import { formatBytes } from '@wasmkube/client';
import { DEFAULTS, type KubeletConfig } from './config.js';
import { RUNTIME_VERSION, KUBELET_VERSION } from './version.js';

export interface NodeConditionsInput {
  ready: boolean;
  readyMessage: string;
  memoryPressure: boolean;
}

export function capacityOf(cfg: KubeletConfig): Record<string, string> {
  return {
    cpu: cfg.capacity?.cpu ?? String(os.availableParallelism()),
    memory: cfg.capacity?.memory ?? formatBytes(Math.floor(os.totalmem() / 1024) * 1024),
    pods: cfg.capacity?.pods ?? String(DEFAULTS.maxPods),
    'ephemeral-storage': '10Gi',
  };
}

export function nodeObject(cfg: KubeletConfig, port: number, readySince?: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: cfg.nodeName,
      labels: {
        'kubernetes.io/hostname': cfg.nodeName,
        'kubernetes.io/os': 'wasi',
        'kubernetes.io/arch': 'wasm32',
        'node.kubernetes.io/runtime': 'wasmkube',
        ...(cfg.labels ?? {}),
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'wasmkube.dev/agent-endpoint': `http://${cfg.address ?? '127.0.0.1'}:${port}` },
    },
    spec: {
      ...(cfg.podCIDR ? { podCIDR: cfg.podCIDR, podCIDRs: [cfg.podCIDR] } : {}),
      ...(cfg.taints?.length ? { taints: cfg.taints } : {}),
    },
    status: nodeStatus(cfg, port, { ready: true, readyMessage: 'kubelet is posting ready status', memoryPressure: false }, readySince),
  };
}

export function nodeStatus(cfg: KubeletConfig, port: number, c: NodeConditionsInput, since = new Date().toISOString()): Record<string, unknown> {
  const capacity = capacityOf(cfg);
  const now = new Date().toISOString();
  const cond = (type: string, status: boolean, reason: string, message: string) => ({
    type,
    status: status ? 'True' : 'False',
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: since,
  });
  return {
    capacity,
    allocatable: capacity,
    conditions: [
      cond('MemoryPressure', c.memoryPressure, c.memoryPressure ? 'KubeletHasInsufficientMemory' : 'KubeletHasSufficientMemory', c.memoryPressure ? 'kubelet has insufficient memory available' : 'kubelet has sufficient memory available'),
      cond('DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      cond('PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      cond('Ready', c.ready, c.ready ? 'KubeletReady' : 'KubeletNotReady', c.readyMessage),
    ],
    addresses: [
      { type: 'InternalIP', address: cfg.address ?? '127.0.0.1' },
      { type: 'Hostname', address: cfg.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: port } },
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: os.release(),
      osImage: `wasmkube (${os.type()} ${os.arch()})`,
      containerRuntimeVersion: `wasmkube://${RUNTIME_VERSION}`,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'wasi',
      architecture: 'wasm32',
    },
  };
}
