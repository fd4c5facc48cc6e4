/**
 * The classifier: from a CloudTrail record (or the text of a denial) to a {@link Finding}. Record
 * shapes, the IAM message grammar, model and profile IDs, ARNs, the profile catalog and the
 * explanation sentence live here; nothing in this folder does I/O.
 */
export { classifyRecord, isBedrockDenial, type ClassifyDependencies } from './classify.js';
export { parseDenialMessage, type ParsedDenialMessage } from './access-denied-message.js';
export { parseArn, isCompletePolicyArn, type Arn } from './arn.js';
export { parseModelId, profileScope, type ModelTarget } from './model-id.js';
export { explainFinding } from './explain.js';
export { createLiveClassifier, type DestinationResolver, type LiveClassifierOptions } from './live-classifier.js';
export {
  createProfileCatalog,
  loadBundledCatalog,
  routeKey,
  serializeCatalogData,
  withRuntimeRoutes,
  type CatalogData,
  type Destinations,
  type ProfileCatalog,
} from './profile-catalog.js';
export { mergeRegionReports, type RegionReport, type ReportedProfile } from './catalog-refresh.js';
export {
  INPUT_SHAPES,
  LOG_FILE_KEY,
  LOOKUP_EVENTS_KEY,
  describeJsonValue,
  detectShape,
  recordFromLogFileEntry,
  recordFromLookupEvent,
  recordsIn,
  syntaxErrorText,
  type InputShape,
} from './record-shapes.js';
