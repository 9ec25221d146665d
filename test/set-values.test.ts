/** `--set` / `--set-string` parsing must give exactly the values Helm gives. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helm } from '../tools/helm/helm';
import { HELM_MAJORS } from '../tools/helm/tools';
import { ValueMap } from '../src/render';
import { applySet } from '../src/values/set-values';
import { writeModelChart } from './support/helm-chart';

/** A chart whose only output is its values as JSON. */
function valuesEchoChart(): string {
  const dir = writeModelChart({ documents: [], guards: [] });
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'templates', 'echo.yaml'), 'values: {{ toJson .Values }}\n');
  return dir;
}

const TYPED = [
  'a=1',
  'a=-7',
  'a=0',
  'a=007',
  'a=1.5',
  'a=1e3',
  'a=true',
  'a=TRUE',
  'a=False',
  'a=null',
  'a=',
  'a=on',
  'a=9007199254740991',
  'a.b.c=deep',
  'a=x,b=y',
  'a.b=1,a.c=2',
  'list={x,y,3,true}',
  'list={}',
  'list={,}',
  'a=1,',
  'list[0]=zero',
  'list[2]=two',
  'list[1].name=A,list[1].value=B',
  'm[0][1]=nested',
  'a=with\\,comma',
  'a\\.b=escaped-dot-key',
  'url=http://x:8080/path?q=1',
  'a=1,a=2',
  'a.b=1,a=flat',
  'coder.env[0].name=X,coder.env[0].value=1',
];

const STRINGS = ['a=1', 'a=true', 'a=null', 'list={1,2}', 'a.b=007'];

const INVALID = ['a', 'a.b', 'a[x]=1', 'a[-1]=1', 'a={x,y', 'list[65537]=1', 'a[0]b=1'];

/** Forms Helm silently drops (or drops in one major): refused here rather than misread. */
const STRICTER = ['=x', 'a[1=2'];

describe.each(HELM_MAJORS)('Helm %i', (major) => {
  const chart = valuesEchoChart();
  const helmValues = async (flag: string, expression: string) => {
    const run = await helm(major, ['template', 'r', chart, flag, expression]);
    if (run.status !== 0) return { error: run.stderr };
    const line = run.stdout.split('\n').find((l) => l.startsWith('values: '));
    return { values: JSON.parse((line as string).slice('values: '.length)) };
  };

  test.each(TYPED)('--set %s', async (expression) => {
    const ours: ValueMap = {};
    applySet(ours, expression, true);
    expect(await helmValues('--set', expression)).toEqual({ values: ours });
  });

  test.each(STRINGS)('--set-string %s', async (expression) => {
    const ours: ValueMap = {};
    applySet(ours, expression, false);
    expect(await helmValues('--set-string', expression)).toEqual({ values: ours });
  });

  test.each(INVALID)('--set %s is an error for Helm and for us', async (expression) => {
    expect(() => applySet({}, expression, true)).toThrow(expression);
    expect(await helmValues('--set', expression)).toHaveProperty('error');
  });

  test.each(STRICTER)('--set %s: Helm sets nothing, we refuse', async (expression) => {
    expect(() => applySet({}, expression, true)).toThrow(expression);
    const result = await helmValues('--set', expression);
    if ('values' in result) expect(result.values).toEqual({});
  });
});
