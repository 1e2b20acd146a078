import { EsError, SimpleError } from '../errors.js';

function versionOf(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const m = /compatible-with\s*=\s*"?(\d+)/i.exec(header);
  return m ? Number(m[1]) : undefined;
}

function mediaTypeError(reason: string): EsError {
  return new EsError(
    400,
    'media_type_header_exception',
    'Invalid media-type value on headers [Accept, Content-Type]',
    {
      causedBy: { type: 'status_exception', reason },
    },
  );
}

const BODY_TYPES =
  /^application\/(json|x-ndjson|vnd\.elasticsearch\+json|vnd\.elasticsearch\+x-ndjson|yaml|cbor|smile)\b/i;

/**
 * RestCompatibleVersionHelper (§9): a `compatible-with` version must be the current major or
 * the one before; with a body, Accept and Content-Type must both be versioned (or neither) and
 * agree. Returns the version to echo in the response content type, if any.
 */
export function checkCompatibleVersion(
  major: number,
  accept: string | undefined,
  contentType: string | undefined,
  hasContent: boolean,
): number | undefined {
  const aVersion = versionOf(accept);
  const cVersion = versionOf(contentType);
  const min = major - 1;
  const valid = (v: number) => v === major || v === min;
  if (aVersion !== undefined && !valid(aVersion)) {
    throw mediaTypeError(
      `Accept version must be either version ${major} or ${min}, but found ${aVersion}. Accept=${accept}`,
    );
  }
  if (hasContent) {
    if (contentType && !BODY_TYPES.test(contentType.trim())) {
      throw new SimpleError(406, `Content-Type header [${contentType}] is not supported`);
    }
    if (cVersion !== undefined && !valid(cVersion)) {
      throw mediaTypeError(
        `Content-Type version must be either version ${major} or ${min}, but found ${cVersion}. Content-Type=${contentType}`,
      );
    }
    if ((aVersion === undefined) !== (cVersion === undefined)) {
      throw mediaTypeError(
        `A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version. Accept=${accept}, Content-Type=${contentType}`,
      );
    }
    if (aVersion !== cVersion) {
      throw mediaTypeError(
        `A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept=${accept}, Content-Type=${contentType}`,
      );
    }
  }
  return aVersion;
}
