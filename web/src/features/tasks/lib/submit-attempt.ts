import { newIdempotencyKey } from '@/lib/idempotency';

/**
 * Idempotency keys for submitting one task. Sending the same data again after no answer
 * reuses the key, so if the first attempt did reach the server the task is not completed
 * twice; any other data, or an attempt that got a definite answer, gets a new key.
 */
export class SubmitAttempts {
  private pending: { key: string; data: string } | null = null;

  constructor(private readonly newKey: () => string = newIdempotencyKey) {}

  keyFor(data: unknown): string {
    const serialized = JSON.stringify(data);
    if (this.pending?.data !== serialized) this.pending = { key: this.newKey(), data: serialized };
    return this.pending.key;
  }

  /** The server answered (done, or refused): the next attempt is a new one. */
  answered(): void {
    this.pending = null;
  }
}
