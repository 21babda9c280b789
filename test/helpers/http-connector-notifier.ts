import * as http from 'node:http';
import * as https from 'node:https';
import { DeliveryError, type DeliveryTarget, type Notifier, type OutgoingMessage, type SendOutcome } from '../../src/delivery/notifier';

/**
 * A minimal Notifier that speaks the Bot Connector REST shape (POST/PUT on
 * `{serviceUrl}v3/conversations/{id}/activities`) without botbuilder or authentication. For the
 * benchmark and tests against a local connector; production uses the botbuilder sender in bot/.
 */
export class HttpConnectorNotifier implements Notifier {
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
  };

  constructor(private readonly timeoutMs = 15_000) {}

  send(target: DeliveryTarget, message: OutgoingMessage): Promise<SendOutcome> {
    return this.request('POST', target, `v3/conversations/${encodeURIComponent(target.conversationId)}/activities`, message).then((b) => ({
      activityId: typeof b?.id === 'string' ? b.id : undefined,
    }));
  }

  async update(target: DeliveryTarget, activityId: string, message: OutgoingMessage): Promise<void> {
    await this.request(
      'PUT',
      target,
      `v3/conversations/${encodeURIComponent(target.conversationId)}/activities/${encodeURIComponent(activityId)}`,
      { ...message, id: activityId },
    );
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private request(method: string, target: DeliveryTarget, path: string, message: OutgoingMessage & { id?: string }): Promise<{ id?: unknown } | undefined> {
    const url = new URL(path, target.serviceUrl.endsWith('/') ? target.serviceUrl : `${target.serviceUrl}/`);
    const body = JSON.stringify({
      type: 'message',
      ...message,
      conversation: { id: target.conversationId },
      channelId: target.channelId ?? 'msteams',
      ...(target.tenantId ? { channelData: { ...message.channelData, tenant: { id: target.tenantId } } } : {}),
    });
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        url,
        {
          method,
          agent: url.protocol === 'https:' ? this.agents.https : this.agents.http,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              try {
                resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined);
              } catch {
                resolve(undefined);
              }
              return;
            }
            const ra = Number(res.headers['retry-after']);
            reject(new DeliveryError(status, `connector answered ${status}`, Number.isFinite(ra) ? ra * 1000 : undefined));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => reject(new DeliveryError(0, e.message)));
      req.end(body);
    });
  }
}
