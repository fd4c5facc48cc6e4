/**
 * The record pipeline between the bytes of CloudTrail files and the classifier: checks of what a
 * record holds and the byte-level prefilter. Pure; the reading itself is in
 * `shared/adapters/cloudtrail-files.ts`.
 */
export { wrongFieldTypes } from './field-types.js';
export { DenialNeedleFilter } from './prefilter.js';
