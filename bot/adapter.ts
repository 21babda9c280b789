import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../src/config';
import type { Logger } from '../src/logger';
import { keepEntityProperties } from './entity-serialization';

/**
 * CloudAdapter with Bot Framework authentication from config. With no app id, auth is off (local use only:
 * config refuses production without credentials, and the start log says so loudly).
 */
export function createAdapter(config: Config, logger: Logger): CloudAdapter {
  keepEntityProperties();
  const { appId, appPassword, tenantId, appType, enabled } = config.auth;
  const settings = enabled
    ? { MicrosoftAppId: appId, MicrosoftAppPassword: appPassword, MicrosoftAppTenantId: tenantId, MicrosoftAppType: appType }
    : {};
  const credentials = new ConfigurationServiceClientCredentialFactory(settings);
  const auth = new ConfigurationBotFrameworkAuthentication(settings, credentials);
  const adapter = new CloudAdapter(auth);

  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // The error message may quote user input, so only its class and the activity id are logged at error level.
    logger.error(
      { activityId: context.activity.id, activityType: context.activity.type, err: { name: error.name, stack: error.stack?.split('\n').slice(0, 6).join('\n') } },
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
