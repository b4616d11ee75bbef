/**
 * The identifiers of the SPDX License List and its exceptions, from the
 * spdx-license-ids and spdx-exceptions packages (published from the list
 * with each of its releases), so that a policy naming a license that does
 * not exist, `MTI` for `MIT`, is told so where it was written instead of
 * silently matching nothing.
 */
import exceptionIds from 'spdx-exceptions/index.json' with { type: 'json' };
import licenseIds from 'spdx-license-ids/index.json' with { type: 'json' };
import deprecatedIds from 'spdx-license-ids/deprecated.json' with { type: 'json' };
import { didYouMean } from '../../runtime/did-you-mean.js';

/** Current and deprecated identifiers (`GPL-2.0` is deprecated and still seen), by lowercase form: SPDX ids compare without case. */
const LICENSES: ReadonlyMap<string, string> = new Map(
  [...licenseIds, ...deprecatedIds].map((id) => [id.toLowerCase(), id]),
);
const EXCEPTIONS: ReadonlyMap<string, string> = new Map(exceptionIds.map((id) => [id.toLowerCase(), id]));

/** A license of one's own, which the list cannot hold: `LicenseRef-acme`, `DocumentRef-x:LicenseRef-y`. */
const CUSTOM = /^(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/;

/** Why `id` is no license identifier of the SPDX list, or undefined when it is one (or a LicenseRef). */
export function unknownLicenseId(id: string): string | undefined {
  if (CUSTOM.test(id) || LICENSES.has(id.toLowerCase())) return undefined;
  return `${JSON.stringify(id)} is not on the SPDX License List${didYouMean(id, licenseIds)}`;
}

/** Why `id` is no exception of the SPDX list, or undefined when it is one. */
export function unknownExceptionId(id: string): string | undefined {
  if (EXCEPTIONS.has(id.toLowerCase())) return undefined;
  return `${JSON.stringify(id)} is not an exception on the SPDX License List${didYouMean(id, exceptionIds)}`;
}
