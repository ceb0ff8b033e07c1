// Service, Endpoints and EndpointSlice columns (printService, printEndpoints, printEndpointSlice).

import { since } from './duration.js';
import { ageCol, arr, col, formatLabels, nameCol, num, obj, str } from './format.js';
import type { Obj, Printer } from './types.js';

function loadBalancerIPs(svc: Obj): string {
  const seen = new Set<string>();
  for (const i of arr(obj(obj(svc.status).loadBalancer).ingress)) {
    if (str(i.ip) !== '') seen.add(str(i.ip));
    else if (str(i.hostname) !== '') seen.add(str(i.hostname));
  }
  return [...seen].join(',');
}

/** getServiceExternalIP with wide=true (the server prints wide; load balancer names are not clipped). */
export function serviceExternalIP(svc: Obj): string {
  const spec = obj(svc.spec);
  const ext = Array.isArray(spec.externalIPs) ? (spec.externalIPs as unknown[]).map(String) : [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length > 0 ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIPs(svc);
      if (ext.length > 0) return [...(lb ? lb.split(',') : []), ...ext].join(',');
      return lb.length > 0 ? lb : '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
  }
  return '<unknown>';
}

/** makePortString: `80/TCP`, `80:30080/TCP`, comma-joined. */
export function servicePorts(svc: Obj): string {
  const s = arr(obj(svc.spec).ports)
    .map((p) => (num(p.nodePort) > 0 ? `${num(p.port)}:${num(p.nodePort)}/${str(p.protocol)}` : `${num(p.port)}/${str(p.protocol)}`))
    .join(',');
  return s === '' ? '<none>' : s;
}

export const servicePrinter: Printer = {
  columns: [
    nameCol(),
    col('Type', 'string', 'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.'),
    col('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    ageCol(),
    col('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
  ],
  cells(svc, now) {
    const md = obj(svc.metadata);
    const spec = obj(svc.spec);
    const ips = Array.isArray(spec.clusterIPs) ? (spec.clusterIPs as unknown[]) : [];
    const clusterIP = ips.length > 0 ? String(ips[0]) : '<none>';
    return [str(md.name), str(spec.type), clusterIP, serviceExternalIP(svc), servicePorts(svc), since(md.creationTimestamp, now), formatLabels(spec.selector)];
  },
};

/** formatEndpoints: up to three ip:port pairs, then "+ N more...". */
export function formatEndpoints(ep: Obj): string {
  const subsets = arr(ep.subsets);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs = arr(ss.addresses);
    const ports = arr(ss.ports);
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(str(a.ip));
      }
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        const ip = str(a.ip);
        list.push(ip.includes(':') ? `[${ip}]:${num(p.port)}` : `${ip}:${num(p.port)}`);
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export const endpointsPrinter: Printer = {
  columns: [nameCol(), col('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'), ageCol()],
  cells(ep, now) {
    const md = obj(ep.metadata);
    return [str(md.name), formatEndpoints(ep), since(md.creationTimestamp, now)];
  },
};

function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

export const endpointSlicePrinter: Printer = {
  columns: [
    nameCol(),
    col('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice.'),
    col('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    col('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'),
    ageCol(),
  ],
  cells(es, now) {
    const md = obj(es.metadata);
    const max = 3;
    const ports: string[] = [];
    let pc = 0;
    let pmore = false;
    for (const p of arr(es.ports)) {
      if (ports.length < max) ports.push(typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*');
      else pmore = true;
      pc++;
    }
    const eps: string[] = [];
    let ec = 0;
    let emore = false;
    for (const e of arr(es.endpoints)) {
      for (const a of Array.isArray(e.addresses) ? (e.addresses as unknown[]) : []) {
        if (eps.length < max) eps.push(String(a));
        else emore = true;
        ec++;
      }
    }
    return [str(md.name), str(es.addressType), listWithMore(ports, pmore, pc, max), listWithMore(eps, emore, ec, max), since(md.creationTimestamp, now)];
  },
};
