// OpenAPI v3 for kubectl (validation, explain) and unknown-field detection for fieldValidation=Strict.
export { openapiV3Index, openapiV3IndexJSON, openapiV3Document, openapiV3DocumentJSON, gvPath } from './documents.js';
export { unknownFields } from './unknown-fields.js';
export { kindDefinition } from './catalog.js';
