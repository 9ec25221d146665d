/**
 * Volumes and mounts of the coderd pod: one per TLS Secret, one per CA certificate, then the
 * user's own. The names and paths are the official chart's.
 */
import { bound, concat, concatLists, join, lit } from '../expr/expr';
import { missingFrom, namesOf, prefixEach } from './helpers';
import { k8s } from 'cdk8s-plus-28';
import { Guard, MapListNode, ScalarNode, SpliceNode } from '../tree/nodes';
import { Authored } from '../tree/kube-object';
import { listItem, valueRef } from '../values/refs';
import { CA_CERT_ROOT, TLS_MOUNT_ROOT } from './names';

const tlsSecrets = () => valueRef('coder.tls.secretNames');
const caCerts = () => valueRef('coder.certs.secrets');
/** The variables `range` binds to each of them. */
const tlsSecret = () => listItem('coder.tls.secretNames', 'tlsSecret');
const caCert = () => listItem('coder.certs.secrets', 'caCert');

export function podVolumes(): Authored<k8s.Volume[]> {
  return [
    new MapListNode(tlsSecrets(), tlsSecret(), (secret) => ({
      name: new ScalarNode(concat(lit('tls-'), secret)),
      secret: { secretName: new ScalarNode(secret) },
    })),
    new MapListNode(caCerts(), caCert(), (cert) => ({
      name: new ScalarNode(concat(lit('ca-cert-'), cert.field<string>('name'))),
      secret: { secretName: new ScalarNode(cert.field('name')) },
    })),
    new SpliceNode(valueRef('coder.volumes')),
  ];
}

export function containerVolumeMounts(): Authored<k8s.VolumeMount[]> {
  return [
    new MapListNode(tlsSecrets(), tlsSecret(), (secret) => ({
      name: new ScalarNode(concat(lit('tls-'), secret)),
      mountPath: new ScalarNode(concat(lit(`${TLS_MOUNT_ROOT}/`), secret)),
      readOnly: true,
    })),
    new MapListNode(caCerts(), caCert(), (cert) => ({
      name: new ScalarNode(concat(lit('ca-cert-'), cert.field<string>('name'))),
      mountPath: new ScalarNode(concat(lit(`${CA_CERT_ROOT}/`), cert.field<string>('name'), lit('.crt'))),
      subPath: new ScalarNode(cert.field('key')),
      readOnly: true,
    })),
    new SpliceNode(valueRef('coder.volumeMounts')),
  ];
}

/** A user volumeMount must name a volume of the pod (Kubernetes rejects the pod otherwise). */
export function volumeGuards(): Guard[] {
  const known = concatLists(
    namesOf(valueRef('coder.volumes')),
    prefixEach(tlsSecrets(), 'tls-'),
    prefixEach(namesOf(caCerts()), 'ca-cert-'),
  );
  const missing = bound('unknownVolumeMounts', missingFrom(namesOf(valueRef('coder.volumeMounts')), known));
  return [
    {
      renderOnly: 'a `coder.volumeMounts` entry with no volume of its name (it compares two lists)',
      when: missing,
      message: concat(
        lit('coder.volumeMounts mounts '),
        join(', ', missing),
        lit(
          ', but the pod has no volume of that name: add it to coder.volumes (the chart names its own tls-<secret> and ca-cert-<name>).',
        ),
      ),
    },
  ];
}
