import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import { AuthenticationConstants, ClaimsIdentity, type ConnectorClient } from 'botframework-connector';

export type TeamsSettings = {
  appId: string | undefined;
  appPassword: string | undefined;
  appType: string;
  tenantId: string | undefined;
};

/** The Bot Connector client that sends to one service URL as the bot, with its credentials. */
export type ConnectorFor = (serviceUrl: string) => Promise<ConnectorClient>;

export type TeamsBot = { adapter: CloudAdapter; connectorFor: ConnectorFor };

/**
 * The Bot Framework adapter, for what Teams sends the bot, and the connector clients the bot's own
 * messages go out through. With an empty app id botbuilder skips authentication entirely, so the
 * HTTP layer refuses such requests unless TEAMS_ALLOW_UNAUTHENTICATED is set.
 */
export function createTeamsBot(settings: TeamsSettings, onError: (error: unknown) => void): TeamsBot {
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: settings.appId ?? '',
    MicrosoftAppPassword: settings.appPassword ?? '',
    MicrosoftAppType: settings.appType,
    MicrosoftAppTenantId: settings.tenantId ?? '',
  };
  const auth = new ConfigurationBotFrameworkAuthentication(options);
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    onError(error);
    await context.sendActivity('Sorry, something went wrong on our side. Please try again in a moment.');
  };
  // The claims the adapter gives its own proactive turns: the bot speaking as itself.
  const botAppId = settings.appId ?? '';
  const factory = auth.createConnectorFactory(
    new ClaimsIdentity([
      { type: AuthenticationConstants.AudienceClaim, value: botAppId },
      { type: AuthenticationConstants.AppIdClaim, value: botAppId },
    ]),
  );
  // One client per service URL, kept: a proactive turn would build a client (and its HTTP pipeline)
  // for every message. Its credentials fetch and renew their token themselves.
  const clients = new Map<string, Promise<ConnectorClient>>();
  const connectorFor: ConnectorFor = (serviceUrl) => {
    let client = clients.get(serviceUrl);
    if (!client) {
      client = factory.create(serviceUrl, undefined).then(withoutPipelineRetries);
      client.catch(() => clients.delete(serviceUrl));
      clients.set(serviceUrl, client);
    }
    return client;
  };
  return { adapter, connectorFor };
}

/**
 * Opening a 1:1 chat goes through the client (messages and updates go out on their own request,
 * teams-sender.ts, with its credentials). The outbox retries a send that failed, with backoff, and
 * pauses every Teams send for as long as a 429 asks. The Azure pipeline's own retries (three, each
 * waiting inside the call) would hide the 429 from it and let the other sends go on at a throttled
 * bot. botbuilder keeps the pipeline private, hence the cast (botbuilder is pinned; a test fails if
 * the retries come back).
 */
function withoutPipelineRetries(connector: ConnectorClient): ConnectorClient {
  const inner = connector as unknown as {
    client: { pipeline: { removePolicy: (by: { phase: 'Retry' }) => unknown } };
  };
  inner.client.pipeline.removePolicy({ phase: 'Retry' });
  return connector;
}
