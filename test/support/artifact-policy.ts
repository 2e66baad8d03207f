import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_FILES,
  type ArtifactPolicy,
} from '../../electron/core/archive/artifact-policy.ts';

/** A policy that allows `folders` and everything below them, with the built-in caps. */
export function allowing(
  folders: string | readonly string[],
  caps: Partial<
    Pick<ArtifactPolicy, 'maxFiles' | 'maxBytes' | 'exclude' | 'unexcluded' | 'folderOptional'>
  > = {},
): ArtifactPolicy {
  return {
    roots: typeof folders === 'string' ? [folders] : folders,
    folderOptional: caps.folderOptional ?? false,
    schemaKnown: true,
    exclude: caps.exclude ?? [],
    unexcluded: caps.unexcluded ?? [],
    maxFiles: caps.maxFiles ?? DEFAULT_MAX_FILES,
    maxBytes: caps.maxBytes ?? DEFAULT_MAX_BYTES,
  };
}
