/**
 * Whether the watched database is readable, with the grace ARCHITECTURE.md §2 asks for: a failure
 * becomes `source_down` only after `source_grace`, and `source_up` follows only a `source_down`.
 */

export type HealthChange =
  | { kind: 'failing'; reason: string }
  | { kind: 'down'; reason: string; since: number }
  | { kind: 'recovered' }
  | { kind: 'up'; reason: string; downSince: number };

export class SourceHealth {
  private readonly graceMs: number;
  private failingSince: number | null = null;
  private lastReason: string | null = null;
  private downSince: number | null;

  constructor(graceMs: number, downSince: number | null = null) {
    this.graceMs = graceMs;
    this.downSince = downSince;
  }

  get isDown(): boolean {
    return this.downSince !== null;
  }

  get isFailing(): boolean {
    return this.failingSince !== null || this.downSince !== null;
  }

  get reason(): string | null {
    return this.lastReason;
  }

  /** A read failed. Reports a new reason once, and `down` once the grace has passed. */
  failure(reason: string, now: number): HealthChange[] {
    const changes: HealthChange[] = [];
    if (reason !== this.lastReason) changes.push({ kind: 'failing', reason });
    this.lastReason = reason;
    this.failingSince ??= now;
    if (this.downSince === null && now - this.failingSince >= this.graceMs) {
      this.downSince = now;
      changes.push({ kind: 'down', reason, since: now });
    }
    return changes;
  }

  /** A read succeeded. */
  success(): HealthChange[] {
    const changes: HealthChange[] = [];
    if (this.downSince !== null) {
      changes.push({ kind: 'up', reason: 'database readable again', downSince: this.downSince });
    } else if (this.failingSince !== null) {
      changes.push({ kind: 'recovered' });
    }
    this.failingSince = null;
    this.downSince = null;
    this.lastReason = null;
    return changes;
  }
}
