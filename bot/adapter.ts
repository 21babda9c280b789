import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type Activity,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import { AuthenticationConstants, type AuthenticateRequestResult, type BotFrameworkAuthentication } from 'botframework-connector';
import { CallerIdConstants } from 'botframework-schema';
import type { Config } from '../src/config';
import type { Logger } from '../src/logger';
import { keepEntityProperties } from './entity-serialization';
import { createOutboundGuard } from './outbound-guard';

/**
 * CloudAdapter that lets the server authenticate a request on its own first (so a bad token or an unreachable
 * key service becomes a clean 401 / 503 rather than botbuilder's 500 with its error text) and then run the turn.
 */
export class GuardedAdapter extends CloudAdapter {
  constructor(readonly auth: BotFrameworkAuthentication) {
    super(auth);
  }

  /** Checks the request's token (signature, issuer, audience, serviceUrl claim); throws when it does not hold. */
  authenticate(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.auth.authenticateRequest(activity, authHeader);
  }

  /** Runs the turn for an already authenticated request; resolves with the invoke response, if any. */
  runTurn(authResult: AuthenticateRequestResult, activity: Activity, logic: (ctx: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authResult, activity, logic);
  }
}

/**
 * The adapter with Bot Framework authentication from config. With no app id, auth is off (local use only:
 * config refuses production without credentials and any interface but loopback, and the start log says so).
 * Every outgoing message passes the outbound guard (allowed serviceUrl hosts, cards under 80 KB).
 */
export function createAdapter(config: Config, logger: Logger): GuardedAdapter {
  keepEntityProperties();
  const { appId, appPassword, tenantId, appType, enabled, openIdMetadataUrl } = config.auth;
  const settings = enabled
    ? {
        MicrosoftAppId: appId,
        MicrosoftAppPassword: appPassword,
        MicrosoftAppTenantId: tenantId,
        MicrosoftAppType: appType,
        // Naming the key document makes botbuilder take every other public-cloud value from here too.
        ...(openIdMetadataUrl
          ? {
              ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl,
              ToBotFromEmulatorOpenIdMetadataUrl: openIdMetadataUrl,
              ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
              ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
              ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
              OAuthUrl: AuthenticationConstants.OAuthUrl,
              CallerId: CallerIdConstants.PublicAzureChannel,
              ValidateAuthority: true,
            }
          : {}),
      }
    : {};
  const credentials = new ConfigurationServiceClientCredentialFactory(settings);
  const auth = new ConfigurationBotFrameworkAuthentication(settings, credentials);
  const adapter = new GuardedAdapter(auth);
  adapter.use(createOutboundGuard(config, logger));

  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // The error message may quote user input, so only its class and the activity id are logged at error level.
    logger.error(
      { activityId: context.activity.id, activityType: context.activity.type, err: { name: error.name, stack: error.stack?.split('\n').slice(1, 6).join('\n') } },
      'turn failed',
    );
    try {
      if (context.activity.type === 'message') {
        await context.sendActivity(
          "Sorry, something went wrong on my side and I couldn't finish that. Please try again in a moment. If a child is in immediate danger, call 999.",
        );
      }
    } catch {
      /* the connector itself may be the problem; nothing more to do */
    }
  };
  return adapter;
}
