// The fixture API for test suites, and the pieces `wasmkube` is made of.
export { startCluster, waitFor, type Cluster, type ClusterOptions } from './cluster.js';
export { parseManifests, applyObjects, readManifestDir, type AppliedObject } from './manifests.js';
export { kubeconfigYaml, writeKubeconfig } from './kubeconfig.js';
