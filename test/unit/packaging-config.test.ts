import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import type { Configuration, TargetConfiguration } from 'electron-builder';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * electron-builder.yml cannot be built here (that downloads Electron, and dmg needs macOS), so
 * it is checked instead: against the schema electron-builder itself validates with, and for what
 * installs rely on.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APP_ID = 'dev.runwatch.app';

// The schema the installed electron-builder validates with: its own app-builder-lib's scheme.json.
const requireFromBuilder = createRequire(
  createRequire(import.meta.url).resolve('electron-builder'),
);
const SCHEMA = JSON.parse(
  fs.readFileSync(requireFromBuilder.resolve('app-builder-lib/scheme.json'), 'utf8'),
) as Record<string, unknown>;
// Stricter than electron-builder, which coerces types: a value of the wrong type is refused.
const validate = new Ajv({ allErrors: true, strict: false }).compile(SCHEMA);

const RAW = parse(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<
  string,
  unknown
>;
const CONFIG = RAW as Configuration;

/** Every place the schema refuses `config`, as `path: message`. */
function schemaErrors(config: unknown): string[] {
  if (validate(config)) return [];
  return (validate.errors ?? []).map(
    (error: ErrorObject) =>
      `${error.instancePath || '/'}: ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`,
  );
}

type Target = string | TargetConfiguration | (string | TargetConfiguration)[] | null | undefined;

function targetNames(target: Target): string[] {
  const list = Array.isArray(target) ? target : target == null ? [] : [target];
  return list.map((entry) => (typeof entry === 'string' ? entry : entry.target));
}

const PLATFORMS = ['linux', 'mac', 'win'] as const;
type PlatformKey = (typeof PLATFORMS)[number];

/** The file patterns one platform's package is built with: the common ones, then its own. */
function filePatterns(platform: PlatformKey): string[] {
  const patterns = [CONFIG.files, CONFIG[platform]?.files].flatMap((value) =>
    value == null ? [] : Array.isArray(value) ? value : [value],
  );
  for (const pattern of patterns) expect(typeof pattern).toBe('string');
  return patterns as string[];
}

/** Whether `patterns` take `file`, as electron-builder reads them: the last that applies decides. */
function takes(patterns: readonly string[], file: string): boolean {
  let taken = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (negated !== taken) continue;
    const matches = path.posix.matchesGlob(file, negated ? pattern.slice(1) : pattern);
    taken = negated ? !matches : matches;
  }
  return taken;
}

/** Whether the platform's package holds `file` of the app itself. */
function packsAppFile(platform: PlatformKey, file: string): boolean {
  return takes(filePatterns(platform), file);
}

/** Production dependencies are all taken, except what the patterns exclude. */
function packsModuleFile(platform: PlatformKey, file: string): boolean {
  return takes(['**/*', ...filePatterns(platform).filter((p) => p.startsWith('!'))], file);
}

/** The repository's files, without what is installed or built. */
function repositoryFiles(dir = ''): string[] {
  const skipped = new Set(['node_modules', '.git', 'dist', 'release', 'coverage', 'test-results']);
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) return skipped.has(entry.name) ? [] : repositoryFiles(relative);
    return [relative];
  });
}

/** Every string in the config that names a file under build/. */
function buildResourceReferences(value: unknown): string[] {
  if (typeof value === 'string') return value.startsWith('build/') ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(buildResourceReferences);
  if (value !== null && typeof value === 'object') {
    return Object.values(value).flatMap(buildResourceReferences);
  }
  return [];
}

describe('electron-builder.yml', () => {
  it('is valid for the installed electron-builder: every refusal is listed with its path', () => {
    expect(schemaErrors(RAW)).toEqual([]);
  });

  it('would be refused with a misspelt key, so the check above can fail', () => {
    const { asarUnpack, ...rest } = RAW;
    expect(schemaErrors({ ...rest, asarUnpak: asarUnpack })).not.toEqual([]);
    expect(schemaErrors({ ...RAW, nsis: { ...CONFIG.nsis, oneclick: true } })).toContainEqual(
      expect.stringMatching(/^\/nsis: /),
    );
  });

  it('builds AppImage and deb for Linux, dmg for macOS, nsis for Windows', () => {
    expect(targetNames(CONFIG.linux?.target)).toEqual(['AppImage', 'deb']);
    expect(targetNames(CONFIG.mac?.target)).toEqual(['dmg']);
    expect(targetNames(CONFIG.win?.target)).toEqual(['nsis']);
  });

  it('packs the app into an asar and unpacks every native .node file from it', () => {
    expect(CONFIG.asar).not.toBe(false);
    const unpack = [CONFIG.asarUnpack ?? []].flat();
    for (const file of ['node_modules/better-sqlite3/prebuilds/linux-x64.node', 'dist/a.node']) {
      expect(unpack.some((pattern) => path.posix.matchesGlob(file, pattern))).toBe(true);
    }
  });

  it('does not rebuild native modules: better-sqlite3 ships Node-API binaries for every platform, and they load in Electron as they are', () => {
    expect(CONFIG.npmRebuild).toBe(false);
    const prebuilds = fs.readdirSync(path.join(ROOT, 'node_modules/better-sqlite3/prebuilds'));
    for (const needed of ['linux-x64', 'darwin-x64', 'darwin-arm64', 'win32-x64']) {
      expect(prebuilds).toContain(`${needed}.node`);
    }
  });

  it("gives each platform's package the better-sqlite3 binaries that platform loads, and only those", () => {
    const own: Record<PlatformKey, RegExp> = {
      linux: /^linux(musl)?-/,
      mac: /^darwin-/,
      win: /^win32-/,
    };
    const prebuilds = fs.readdirSync(path.join(ROOT, 'node_modules/better-sqlite3/prebuilds'));
    for (const platform of PLATFORMS) {
      const kept = prebuilds.filter((name) =>
        packsModuleFile(platform, `node_modules/better-sqlite3/prebuilds/${name}`),
      );
      expect(kept, platform).toEqual(prebuilds.filter((name) => own[platform].test(name)));
      expect(packsModuleFile(platform, 'node_modules/better-sqlite3/lib/index.js')).toBe(true);
    }
  });

  it('flips the Electron fuses: no run-as-node, NODE_OPTIONS or inspector; the asar only, checked', () => {
    expect(CONFIG.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('installs on Windows per user, with the appId as AppUserModelID so notifications show', () => {
    expect(CONFIG.appId).toBe(APP_ID);
    expect(CONFIG.win?.appId ?? CONFIG.appId).toBe(APP_ID);
    expect(CONFIG.productName).toBe('Runwatch');
    expect(CONFIG.nsis?.perMachine).toBe(false);
    expect(CONFIG.nsis?.deleteAppDataOnUninstall).toBe(false);
  });

  it('starts the packaged app from the main-process bundle', () => {
    expect(CONFIG.extraMetadata?.main).toBe('dist/app/main.js');
  });

  it('packs the bundles, the shipped config and package.json, and never tests or TypeScript sources', () => {
    const shipped = [
      'dist/app/main.js',
      'dist/app/preload.cjs',
      'dist/app/archive-worker.js',
      'dist/renderer/index.html',
      'dist/renderer/assets/index.js',
      'config/alerts.yaml',
      'config/alerts.schema.json',
      'package.json',
    ];
    const sources = repositoryFiles().filter(
      (file) => file.startsWith('test/') || /\.(ts|tsx|mts|cts)$/.test(file),
    );
    expect(sources).toContain('test/unit/packaging-config.test.ts');
    const never = [...sources, 'dist/app/main.js.map', 'electron-builder.yml', 'README.md'];
    for (const platform of PLATFORMS) {
      expect(
        shipped.filter((file) => !packsAppFile(platform, file)),
        platform,
      ).toEqual([]);
      expect(
        never.filter((file) => packsAppFile(platform, file)),
        platform,
      ).toEqual([]);
    }
  });

  it('installs a Linux desktop entry named Runwatch, under Development and Utility, that its windows find', () => {
    const linux = CONFIG.linux;
    expect(linux?.desktop?.entry?.Name).toBe('Runwatch');
    expect(linux?.category?.split(';').filter(Boolean)).toEqual(['Development', 'Utility']);
    // Electron names its windows after desktopName; the entry is installed under the same name.
    const desktopName = CONFIG.extraMetadata?.desktopName as string;
    expect(desktopName).toBe(`${APP_ID}.desktop`);
    expect(linux?.syncDesktopName).toBe(true);
    expect(linux?.desktop?.entry?.StartupWMClass).toBe(desktopName.replace(/\.desktop$/, ''));
  });

  it('signs macOS with the hardened runtime and only the entitlement V8 needs', () => {
    const mac = CONFIG.mac;
    expect(mac?.category).toBe('public.app-category.developer-tools');
    expect(mac?.hardenedRuntime).toBe(true);
    for (const file of [mac?.entitlements, mac?.entitlementsInherit]) {
      expect(file).toMatch(/^build\//);
      const plist = fs.readFileSync(path.join(ROOT, file as string), 'utf8');
      const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((match) => match[1]);
      expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
    }
  });

  it('references only files under build/ that exist, among them an icon every platform accepts', () => {
    expect(CONFIG.directories?.buildResources).toBe('build');
    const references = buildResourceReferences(RAW);
    expect(references).toContain(CONFIG.icon);
    expect(references.filter((file) => !fs.existsSync(path.join(ROOT, file)))).toEqual([]);
    // electron-builder makes the macOS .icns only from a picture of at least 512 × 512.
    const icon = PNG.sync.read(fs.readFileSync(path.join(ROOT, CONFIG.icon as string)));
    expect([icon.width, icon.height]).toEqual([512, 512]);
  });

  it('writes to release/, which git ignores, and is what `npm run dist` packs once it has built the bundles', () => {
    expect(CONFIG.directories?.output).toBe('release');
    const ignored = fs.readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split('\n');
    expect(ignored).toContain('release/');
    // Without --config, electron-builder prefers a `build` key in package.json to this file.
    const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      build?: unknown;
    };
    expect(packageJson.scripts.dist).toBe(
      'npm run build:ui && npm run build:app && electron-builder --config electron-builder.yml',
    );
    expect(packageJson.build).toBeUndefined();
  });
});
