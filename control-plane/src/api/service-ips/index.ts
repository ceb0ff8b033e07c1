// ClusterIP and NodePort allocation for Services (see service-allocations.ts).
export { DEFAULT_SERVICE_CIDR, ServiceAllocations, wantsClusterIP, wantsNodePorts, type Allocation } from './service-allocations.js';
export { allocatingStore, loadAllocations, SERVICES_PREFIX } from './allocating-store.js';
export { ensureKubernetesService, advertisedAddress } from './kubernetes-service.js';
export { parseCidr, ipToInt, intToIp, offsetInRange, type Ipv4Range } from './cidr.js';
