// Strategic-merge-patch metadata of list (and a few map) fields, keyed `<definition id>.<field>`, copied from the
// `patchStrategy`/`patchMergeKey` struct tags of the Kubernetes Go types (k8s.io/api core/v1, apps/v1, batch/v1
// types.go and apimachinery meta/v1 types.go). A list not in this table is atomic: a patch replaces it whole.
// Note what is NOT here because Kubernetes has no tag on it: tolerations, readinessGates, envFrom, node taints,
// service externalIPs, endpoint subsets, label-selector matchExpressions: all replaced whole.

export interface PatchMeta {
  /** 'merge' for lists merged by key (or, without mergeKey, primitive sets); 'retainKeys' for maps. */
  strategy: 'merge' | 'merge,retainKeys' | 'retainKeys';
  mergeKey?: string;
}

const m = (mergeKey?: string): PatchMeta => (mergeKey ? { strategy: 'merge', mergeKey } : { strategy: 'merge' });
const mr = (mergeKey: string): PatchMeta => ({ strategy: 'merge,retainKeys', mergeKey });

const containerLists = (t: string): Record<string, PatchMeta> => ({
  [`${t}.ports`]: m('containerPort'),
  [`${t}.env`]: m('name'),
  [`${t}.volumeMounts`]: m('mountPath'),
  [`${t}.volumeDevices`]: m('devicePath'),
});

export const PATCH_META: Readonly<Record<string, PatchMeta>> = {
  // meta/v1
  'meta.v1.ObjectMeta.finalizers': m(),
  'meta.v1.ObjectMeta.ownerReferences': m('uid'),
  // core/v1 Pod
  'core.v1.PodSpec.volumes': mr('name'),
  'core.v1.PodSpec.initContainers': m('name'),
  'core.v1.PodSpec.containers': m('name'),
  'core.v1.PodSpec.ephemeralContainers': m('name'),
  'core.v1.PodSpec.imagePullSecrets': m('name'),
  'core.v1.PodSpec.hostAliases': m('ip'),
  'core.v1.PodSpec.topologySpreadConstraints': m('topologyKey'),
  'core.v1.PodSpec.schedulingGates': m('name'),
  'core.v1.PodSpec.resourceClaims': mr('name'),
  ...containerLists('core.v1.Container'),
  ...containerLists('core.v1.EphemeralContainer'),
  'core.v1.PodStatus.conditions': m('type'),
  'core.v1.PodStatus.hostIPs': m('ip'),
  'core.v1.PodStatus.podIPs': m('ip'),
  'core.v1.PodStatus.resourceClaimStatuses': mr('name'),
  'core.v1.ContainerStatus.volumeMounts': m('mountPath'),
  'core.v1.ContainerStatus.allocatedResourcesStatus': m('name'),
  // core/v1 others
  'core.v1.ReplicationControllerStatus.conditions': m('type'),
  'core.v1.ServiceSpec.ports': m('port'),
  'core.v1.ServiceStatus.conditions': m('type'),
  'core.v1.ServiceAccount.secrets': m('name'),
  'core.v1.NodeSpec.podCIDRs': m(),
  'core.v1.NodeStatus.conditions': m('type'),
  'core.v1.NodeStatus.addresses': m('type'),
  'core.v1.NamespaceStatus.conditions': m('type'),
  // apps/v1
  'apps.v1.DeploymentSpec.strategy': { strategy: 'retainKeys' },
  'apps.v1.DeploymentStatus.conditions': m('type'),
  'apps.v1.ReplicaSetStatus.conditions': m('type'),
  'apps.v1.DaemonSetStatus.conditions': m('type'),
  // batch/v1
  'batch.v1.JobStatus.conditions': m('type'),
};
