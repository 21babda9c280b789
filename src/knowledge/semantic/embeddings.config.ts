import type { Config } from '../../config';
import type { EmbeddingsEndpoint } from './embeddings.client';

/** The Azure OpenAI data-plane version used for embeddings (a GA version, the same one the chat model uses). */
export const AZURE_EMBEDDINGS_API_VERSION = '2024-06-01';
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

const trimSlash = (u: string) => u.trim().replace(/\/+$/, '');

/** An Azure OpenAI embeddings deployment: `{endpoint}/openai/deployments/{deployment}/embeddings?api-version=…`. */
export function azureEmbeddingsEndpoint(endpoint: string, apiKey: string, deployment: string): EmbeddingsEndpoint {
  const base = trimSlash(endpoint);
  return {
    provider: 'azure-openai',
    url: `${base}/openai/deployments/${encodeURIComponent(deployment)}/embeddings?api-version=${AZURE_EMBEDDINGS_API_VERSION}`,
    headers: { 'api-key': apiKey },
    model: deployment,
    identity: `azure-openai ${base.toLowerCase()} ${deployment}`,
  };
}

/** An OpenAI-compatible server: `{baseUrl}/embeddings` with `model` in the body; the key is optional for local servers. */
export function openAiEmbeddingsEndpoint(model: string, apiKey?: string, baseUrl = OPENAI_DEFAULT_BASE_URL): EmbeddingsEndpoint {
  const base = trimSlash(baseUrl);
  return {
    provider: 'openai',
    url: `${base}/embeddings`,
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
    bodyModel: model,
    model,
    identity: `openai ${base.toLowerCase()} ${model}`,
  };
}

/**
 * The embeddings model from configuration: the Azure OpenAI deployment when AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT is
 * set, an OpenAI-compatible model when OPENAI_EMBEDDINGS_MODEL is; undefined (lexical retrieval only) otherwise.
 * The configuration refuses both at once and either without what it needs.
 */
export function embeddingsEndpointFromConfig(config: Pick<Config, 'model'>): EmbeddingsEndpoint | undefined {
  const m = config.model;
  if (m.azureEmbeddingsDeployment && m.azureEndpoint && m.azureApiKey) return azureEmbeddingsEndpoint(m.azureEndpoint, m.azureApiKey, m.azureEmbeddingsDeployment);
  if (m.openaiEmbeddingsModel) return openAiEmbeddingsEndpoint(m.openaiEmbeddingsModel, m.openaiApiKey, m.openaiBaseUrl);
  return undefined;
}
