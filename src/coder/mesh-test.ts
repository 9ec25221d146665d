/**
 * The `helm test` Pod: checks /healthz through the Service and at every ready replica's relay
 * address (pod IP, port 8080, found through the headless Service's DNS name), reports how many
 * replicas answered against coder.replicaCount, and fails naming each replica that does not.
 */
import { sourceFileOf } from '../paths';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { and, concat, Expr, intString, lit, ternary } from '../expr/expr';
import { Document, ScalarNode } from '../tree/nodes';
import { Authored, kubeObject } from '../tree/kube-object';
import { release, under, valueRef } from '../values/refs';
import { HEADLESS_SERVICE_NAME } from './headless-service';
import { ipv6, plannedReplicas } from './high-availability';
import { auxiliaryPodLabels } from './labels';
import { CODER_NAME, HTTP_PORT, SERVICE_HTTP_PORT } from './names';

/** This file, named in the banner of the templates it writes. */
const SOURCE = sourceFileOf(__filename);

/** The `app.kubernetes.io/component` of the `helm test` Pod (the NetworkPolicy admits it). */
export const MESH_TEST_COMPONENT = 'test-mesh';

/** The `helm test` Pod exists: it is on, and the headless Service it resolves replicas through too. */
export const meshTestWanted = (): Expr => and(test('enable'), valueRef('coder.headlessService.enable'));

const test = under('coder.helmTest');

/** POSIX sh for busybox: nslookup, awk and wget only. */
export const MESH_CHECK_SCRIPT = `set -u
failures=0
check() {
  if wget -q -T 5 -O /dev/null "$2"; then
    echo "ok    $1: $2"
  else
    echo "FAIL  $1 does not answer at $2"
    failures=$((failures + 1))
  fi
}
if [ -n "$SERVICE_URL" ]; then check "Service ${CODER_NAME}" "$SERVICE_URL"; fi
record=A
if [ "$IP_FAMILY" = IPv6 ]; then record=AAAA; fi
addresses=$(nslookup -type=$record "$HEADLESS_HOST" 2>/dev/null | awk '
  /^Name:/ { answers = 1; next }
  answers && /^Address/ {
    for (i = 2; i <= NF; i++)
      if (($i ~ /^[0-9.]+$/ && $i ~ /\\./) || ($i ~ /^[0-9a-fA-F:]+$/ && $i ~ /:.*:/)) { print $i; break }
  }')
found=0
for ip in $addresses; do
  found=$((found + 1))
  host=$ip
  case $ip in *:*) host="[$ip]" ;; esac
  check "replica $ip (its relay address)" "http://$host:${HTTP_PORT}/healthz"
done
echo "$found of $EXPECTED_REPLICAS replica(s) ready behind $HEADLESS_HOST"
if [ "$found" -lt "$EXPECTED_REPLICAS" ]; then
  echo "FAIL  $((EXPECTED_REPLICAS - found)) replica(s) not ready: kubectl get pods -n $NAMESPACE -l app.kubernetes.io/instance=$RELEASE"
  failures=$((failures + 1))
fi
if [ "$failures" -gt 0 ]; then echo "$failures check(s) failed"; exit 1; fi
echo "the coderd mesh answers"
`;

const env = (name: string, value: ScalarNode | string): Authored<k8s.EnvVar> => ({ name, value });

export class CoderMeshTest extends Construct {
  private readonly pod = kubeObject(this, 'Resource', k8s.KubePod, {
    metadata: {
      name: `${CODER_NAME}-test-mesh`,
      namespace: new ScalarNode(release.namespace),
      labels: auxiliaryPodLabels(MESH_TEST_COMPONENT),
      annotations: {
        'helm.sh/hook': 'test',
        // Keep a failed test Pod for its logs; replace it on the next run.
        'helm.sh/hook-delete-policy': 'before-hook-creation',
      },
    },
    spec: {
      restartPolicy: 'Never',
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 65534,
        runAsGroup: 65534,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'check-mesh',
          image: new ScalarNode(concat(test('image.repo'), lit(':'), test('image.tag'))),
          imagePullPolicy: new ScalarNode(test('image.pullPolicy')),
          command: ['sh', '-c', MESH_CHECK_SCRIPT],
          env: [
            { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            env('RELEASE', new ScalarNode(release.name)),
            // At least this many must answer (the autoscaler may run more than its minimum).
            env('EXPECTED_REPLICAS', new ScalarNode(intString(plannedReplicas()))),
            env('IP_FAMILY', new ScalarNode(ternary(lit('IPv6'), lit('IPv4'), ipv6()))),
            env(
              'HEADLESS_HOST',
              new ScalarNode(concat(lit(`${HEADLESS_SERVICE_NAME}.`), release.namespace, lit('.svc.cluster.local'))),
            ),
            env(
              'SERVICE_URL',
              new ScalarNode(
                ternary(
                  concat(
                    lit(`http://${CODER_NAME}.`),
                    release.namespace,
                    lit(`.svc.cluster.local:${SERVICE_HTTP_PORT}/healthz`),
                  ),
                  lit(''),
                  valueRef('coder.service.enable'),
                ),
              ),
            ),
          ],
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
        },
      ],
    },
  });

  public documents(): Document[] {
    return [{ file: 'tests/test-mesh.yaml', source: SOURCE, cond: meshTestWanted(), tree: this.pod.tree() }];
  }
}
