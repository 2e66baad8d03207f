import type {
  ApiError,
  ApiIssue,
  CheckedParams,
  RequestName,
  Results,
} from '../../../shared/api.ts';
import type { ApiServiceOptions } from './api-options.ts';
import type { PatchBatcher } from './patch-batcher.ts';
import { SnapshotRests } from './snapshot-rests.ts';
import type { ApiSource } from './source-views.ts';

/** A request refused for a reason the caller is told as it is; any other throw is `failed`. */
export class RequestError extends Error {
  readonly code: ApiError['code'];
  readonly issues: ApiIssue[] | undefined;
  constructor(code: ApiError['code'], message: string, issues?: ApiIssue[]) {
    super(message);
    this.code = code;
    this.issues = issues;
  }
}

/** What every request handler works with: the service's options, its patches, its sources. */
export class RequestContext {
  readonly options: ApiServiceOptions;
  readonly patches: PatchBatcher;
  /** What first-screen snapshots left for `snapshotRest`. */
  readonly rests = new SnapshotRests();

  constructor(options: ApiServiceOptions, patches: PatchBatcher) {
    this.options = options;
    this.patches = patches;
  }

  source(name: string): ApiSource {
    const source = this.options.sources.find((candidate) => candidate.name === name);
    if (!source) throw new RequestError('not_found', `no source named "${name}"`);
    return source;
  }

  /** The named source, or every source when none is named. */
  sourcesOf(name: string | undefined): readonly ApiSource[] {
    return name === undefined ? this.options.sources : [this.source(name)];
  }
}

/** Answers one request, its parameters already checked against the contract (shared/api.ts). */
export type Handler<K extends RequestName> = (
  context: RequestContext,
  params: CheckedParams<K>,
) => Results[K] | Promise<Results[K]>;

/** A handler for each of the requests `K`, by name. */
export type Handlers<K extends RequestName = RequestName> = { [P in K]: Handler<P> };
