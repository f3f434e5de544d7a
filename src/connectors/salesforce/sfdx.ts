// `leadrelay setup salesforce --export <dir>`: the same changes as an SFDX source-format project, for admins who
// review and deploy with `sf project deploy start --source-dir force-app`. Field files carry the field name only
// (the folder names the object); a StandardValueSet file replaces the whole set, so it lists every value.
// https://developer.salesforce.com/docs/atlas.en-us.sfdx_dev.meta/sfdx_dev/sfdx_dev_source_file_format.htm
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';
import type { Md } from './metadata.ts';

const ns = 'http://soap.sforce.com/2006/04/metadata';
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '    ', suppressEmptyNode: true });

export function metadataXml(root: string, body: Md): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: { '@_xmlns': ns, ...body } })}`;
}

/** The permission set that grants the integration user read/edit on the fields setup creates (field-level security). */
export function permissionSetMd(fields: readonly string[]): Md {
  return {
    description: 'Field access for the leadrelay integration user (created by leadrelay setup).',
    fieldPermissions: fields.map((field) => ({ editable: true, field, readable: true })),
    hasActivationRequired: false,
    label: 'leadrelay Integration',
  };
}

export interface ExportFile {
  readonly path: string;
  readonly content: string;
}

export function sfdxProject(apiVersion: string, loginUrl: string): string {
  return `${JSON.stringify({
    packageDirectories: [{ path: 'force-app', default: true }],
    name: 'leadrelay-setup',
    namespace: '',
    sfdcLoginUrl: loginUrl,
    sourceApiVersion: apiVersion,
  }, null, 2)}\n`;
}

const base = path.join('force-app', 'main', 'default');

/** A CustomField (`fullName` = `Object.Field__c`) as `objects/<Object>/fields/<Field>.field-meta.xml`. */
export function fieldFile(md: Md): ExportFile {
  const [object = '', field = ''] = String(md['fullName']).split('.');
  return { path: path.join(base, 'objects', object, 'fields', `${field}.field-meta.xml`), content: metadataXml('CustomField', { ...md, fullName: field }) };
}

export function standardValueSetFile(md: Md): ExportFile {
  const name = String(md['fullName']);
  const { fullName: _fullName, ...body } = md;
  return { path: path.join(base, 'standardValueSets', `${name}.standardValueSet-meta.xml`), content: metadataXml('StandardValueSet', body) };
}

export function permissionSetFile(fields: readonly string[]): ExportFile {
  return { path: path.join(base, 'permissionsets', 'LeadRelay_Integration.permissionset-meta.xml'), content: metadataXml('PermissionSet', permissionSetMd(fields)) };
}

export async function writeExport(dir: string, files: readonly ExportFile[]): Promise<string[]> {
  const written: string[] = [];
  for (const f of files) {
    const target = path.join(dir, f.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, f.content, 'utf8');
    written.push(target);
  }
  return written;
}
