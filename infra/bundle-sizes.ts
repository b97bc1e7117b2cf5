import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_ID_METADATA } from './function-settings.js';

/** One orchestrator function's bundle in a synthesized cloud assembly. */
export interface BundleSize {
  /** The stack (artifact id) deploying it. */
  readonly stack: string;
  /** `validate-trigger`, `rds-replica`, `readiness-check` … */
  readonly functionId: string;
  /** The code Lambda loads: the asset's `index.mjs`. */
  readonly bytes: number;
  /** Every file of the asset directory (the code and its source map): what is uploaded. */
  readonly assetBytes: number;
}

interface Manifest {
  readonly artifacts?: Record<
    string,
    { readonly type: string; readonly properties?: { readonly templateFile?: string } }
  >;
}
interface TemplateResource {
  readonly Type: string;
  readonly Metadata?: Record<string, unknown>;
  readonly Properties?: { readonly Code?: { readonly S3Key?: unknown } };
}

const directoryBytes = (directory: string): number =>
  readdirSync(directory).reduce((sum, name) => {
    const path = join(directory, name);
    const stats = statSync(path);
    return sum + (stats.isDirectory() ? directoryBytes(path) : stats.size);
  }, 0);

/**
 * The bundle of every orchestrator function in a synthesized cloud assembly (`npm run synth`
 * writes cdk.out): the stacks' templates name each function's asset (`Code.S3Key` is
 * `<hash>.zip`, the bundle is `asset.<hash>/`) and which function it is (Metadata
 * FailoverOrchestratorFunction). Largest first. Functions synthesized without bundling (tests
 * skipping esbuild) have no asset directory and are left out.
 */
export function bundleSizes(cdkOutDir: string): BundleSize[] {
  const manifest = JSON.parse(readFileSync(join(cdkOutDir, 'manifest.json'), 'utf8')) as Manifest;
  const sizes: BundleSize[] = [];
  for (const [stack, artifact] of Object.entries(manifest.artifacts ?? {})) {
    const templateFile = artifact.properties?.templateFile;
    if (artifact.type !== 'aws:cloudformation:stack' || templateFile === undefined) continue;
    const template = JSON.parse(readFileSync(join(cdkOutDir, templateFile), 'utf8')) as {
      Resources?: Record<string, TemplateResource>;
    };
    for (const resource of Object.values(template.Resources ?? {})) {
      const functionId = resource.Metadata?.[FUNCTION_ID_METADATA];
      const key = resource.Properties?.Code?.S3Key;
      if (resource.Type !== 'AWS::Lambda::Function' || typeof functionId !== 'string') continue;
      if (typeof key !== 'string') continue;
      const directory = join(cdkOutDir, `asset.${key.replace(/\.zip$/, '')}`);
      const code = join(directory, 'index.mjs');
      if (!existsSync(code)) continue;
      sizes.push({ stack, functionId, bytes: statSync(code).size, assetBytes: directoryBytes(directory) });
    }
  }
  return sizes.sort((a, b) => b.bytes - a.bytes || a.functionId.localeCompare(b.functionId));
}

/** The largest function bundle of an assembly, in bytes (0 when nothing was bundled). */
export const largestBundleBytes = (cdkOutDir: string): number => bundleSizes(cdkOutDir)[0]?.bytes ?? 0;
