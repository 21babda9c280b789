import type { FeatureFactory } from '../deps';
import { askFeature } from './ask.feature';
import { coreFeature } from './core.feature';
import { digestsFeature } from './digests.feature';
import { escalationsFeature } from './escalations.feature';
import { privacyFeature } from './privacy.feature';
import { surveysFeature } from './surveys.feature';
import { trainingFeature } from './training.feature';

/**
 * Every feature of the bot, in routing order (earlier features' commands win). One line per feature:
 * a feature's factory builds its services from the shared deps and returns its commands, submits and routes.
 */
export const featureFactories: FeatureFactory[] = [
  coreFeature,
  askFeature,
  surveysFeature,
  escalationsFeature,
  trainingFeature,
  digestsFeature,
  privacyFeature,
];
