/** A per-minute rate limit: `perMinute` tokens, refilled continuously. */
export class TokenBucket {
  private tokens: number;
  private at: number;
  readonly perMinute: number;

  constructor(perMinute: number, now: number) {
    this.perMinute = perMinute;
    this.tokens = perMinute;
    this.at = now;
  }

  private refill(now: number): void {
    if (now > this.at) {
      this.tokens = Math.min(
        this.perMinute,
        this.tokens + ((now - this.at) * this.perMinute) / 60_000,
      );
    }
    this.at = now;
  }

  /** Takes a token if one is there. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** When the next token will be there. */
  nextAt(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? now : now + Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute);
  }
}
