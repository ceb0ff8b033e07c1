// PATCH bodies: the four content types the API server accepts (shared/kubectl-surface.md §6).
// Pure functions: `current` is never mutated; errors are ApiErrors (400 malformed, 415 unknown type,
// 422 a JSON patch that does not apply).
import type { ResourceInfo } from '../resources.js';
import { errors } from '../status.js';
import { kindDefinition } from '../openapi/catalog.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { applyStrategicMergePatch } from './strategic.js';
import { applyServerSideApply, parseApplyBody } from './apply-patch.js';

export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

/** Media type without parameters, lower-cased: "application/merge-patch+json; charset=utf-8" -> "application/merge-patch+json". */
function mediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

export function isSupportedPatchType(contentType: string): boolean {
  return (PATCH_CONTENT_TYPES as readonly string[]).includes(mediaType(contentType));
}

function parseJson(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch (e) {
    throw errors.badRequest(`invalid ${what}: ${(e as Error).message}`);
  }
}

export function applyPatch(contentType: string, current: Record<string, unknown>, body: string, info: ResourceInfo): Record<string, unknown> {
  switch (mediaType(contentType)) {
    case 'application/json-patch+json':
      return applyJsonPatch(current, parseJson(body, 'JSON patch'));
    case 'application/merge-patch+json':
      return applyMergePatch(current, parseJson(body, 'merge patch'));
    case 'application/strategic-merge-patch+json':
      return applyStrategicMergePatch(current, parseJson(body, 'strategic merge patch'), kindDefinition(info));
    case 'application/apply-patch+yaml':
      return applyServerSideApply(current, parseApplyBody(body), kindDefinition(info));
    default:
      throw errors.unsupportedMediaType(
        `the body of the request was in an unknown format - accepted media types include: ${PATCH_CONTENT_TYPES.join(', ')}`,
      );
  }
}
