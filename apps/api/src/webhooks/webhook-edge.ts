import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, webhookView, type WebhookState, type WebhookView } from '@engine/domain';
import { ENGINE_CONFIG, HttpProblem, type EngineConfig } from '@engine/platform';
import { decodeCursor, InvalidCursorError, type CursorValue } from '@engine/read-models';
import {
  SecretCipher,
  TargetNotAllowedError,
  TargetUnresolvableError,
  resolveTarget,
} from '@engine/webhooks';

export const webhookNotFound = () => new NotFoundError('No such webhook.', 'webhook-not-found');

/** The view of a subscription that exists, or 404. */
export function viewOrNotFound(state: WebhookState): WebhookView {
  const view = webhookView(state);
  if (!view) throw webhookNotFound();
  return view;
}

/** The sort key and id a page cursor carries; 400 `invalid-cursor` for one that is not ours. */
export function readCursor(cursor: string, sort: string): { key: CursorValue; id: string } {
  try {
    return decodeCursor(cursor, sort);
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new HttpProblem(400, error.code, error.message);
    throw error;
  }
}

/**
 * What the HTTP edge checks before a subscription's command: that secrets can be encrypted, and
 * that the URL is a target webhooks may reach (the SSRF guard, again at every delivery).
 */
@Injectable()
export class WebhookEdge {
  private readonly cipher: SecretCipher | null;

  constructor(@Inject(ENGINE_CONFIG) private readonly config: EngineConfig) {
    this.cipher = config.webhookSecretKey ? new SecretCipher(config.webhookSecretKey) : null;
  }

  /**
   * Without WEBHOOK_SECRET_KEY a secret could only be stored in clear, so no webhook is created
   * (503 `webhook-secret-key-unset`) rather than a key being derived from something guessable.
   */
  seal(secret: string, webhookId: string): string {
    if (!this.cipher)
      throw new HttpProblem(
        503,
        'webhook-secret-key-unset',
        'Webhooks need WEBHOOK_SECRET_KEY (32 bytes as 64 hex digits or base64) to keep their signing secrets encrypted; the server has none.',
      );
    return this.cipher.seal(secret, webhookId);
  }

  /** 422 `webhook-target-not-allowed` or `webhook-target-unresolvable`. */
  async checkTarget(url: string): Promise<void> {
    try {
      await resolveTarget(url, { allowPrivate: this.config.webhookAllowPrivateTargets });
    } catch (error) {
      if (error instanceof TargetNotAllowedError || error instanceof TargetUnresolvableError)
        throw new HttpProblem(422, error.code, error.message);
      throw error;
    }
  }
}
