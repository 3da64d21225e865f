// The tool's name and version, as results files record them (read from package.json beside the code).
import { readFileSync } from 'node:fs';
import { PackageJsonSchema } from '../model/external-json.ts';

const pkg = PackageJsonSchema.parse(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')));

/** Name and version from package.json. */
export const TOOL = { name: pkg.name, version: pkg.version };
