import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';

export type TeamsSettings = {
  appId: string | undefined;
  appPassword: string | undefined;
  appType: string;
  tenantId: string | undefined;
};

/**
 * The Bot Framework adapter. With an empty app id botbuilder skips authentication entirely, so the
 * HTTP layer refuses such requests unless TEAMS_ALLOW_UNAUTHENTICATED is set.
 */
export function createTeamsAdapter(settings: TeamsSettings, onError: (error: unknown) => void): CloudAdapter {
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: settings.appId ?? '',
    MicrosoftAppPassword: settings.appPassword ?? '',
    MicrosoftAppType: settings.appType,
    MicrosoftAppTenantId: settings.tenantId ?? '',
  };
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(options));
  adapter.onTurnError = async (context, error) => {
    onError(error);
    await context.sendActivity('Sorry, something went wrong on our side. Please try again in a moment.');
  };
  return adapter;
}
