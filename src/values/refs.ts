/**
 * References into what templates see: `.Values` (checked against the schema when built, so a
 * construct cannot read a key the contract does not declare), `.Release` and `.Chart`.
 */
import { Ref } from '../expr/expr';
import { GoValue } from '../expr/go-semantics';
import { schemaAt } from './schema';

export function valueRef<T extends GoValue = GoValue>(path: string): Ref<T> {
  schemaAt(path);
  return new Ref<T>('Values', path.split('.'));
}

export const release = {
  name: new Ref<string>('Release', ['Name']),
  namespace: new Ref<string>('Release', ['Namespace']),
  service: new Ref<string>('Release', ['Service']),
} as const;

export const chart = {
  name: new Ref<string>('Chart', ['Name']),
  version: new Ref<string>('Chart', ['Version']),
  appVersion: new Ref<string>('Chart', ['AppVersion']),
} as const;
