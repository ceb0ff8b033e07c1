// The pod network (kube-proxy and cluster DNS roles) of a node agent.
export { ClusterNetwork, TUNNEL_ANNOTATION, type ClusterNetworkOptions, type AttachContext } from './cluster-network.js';
export { ServiceTable, type Endpoint, type ServicePortRef } from './service-table.js';
export { Balancer } from './balancer.js';
export { HostProxy } from './host-proxy.js';
export { TunnelServer, dialTunnel } from './tunnel.js';
export { encodeProxyV2, decodeProxyV2, type ProxyAddresses } from './proxy-v2.js';
