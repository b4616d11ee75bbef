/** Policies for the waves tests, validated by the real schema so defaults apply as in a file. */
import { wavesPolicySchema } from '../../src/policy/schemas/waves.js';
import type { WavesPolicy } from '../../src/policy/schemas/waves.js';

/** A waves policy from the fields a test cares about; the rest are the schema's defaults. */
export function wavesPolicy(fields: Record<string, unknown>): WavesPolicy {
  return wavesPolicySchema.parse({ kind: 'waves', ...fields });
}

/** Six regions in four waves of growing size, as the issue describes. */
export const SIX_REGIONS = [
  { name: 'pilot', regions: ['eu-west-1'], bakeTime: '1h' },
  { name: 'one', regions: ['us-east-2'], bakeTime: '1h' },
  { name: 'two', regions: ['us-east-1', 'us-west-2'], bakeTime: '1h' },
  { name: 'rest', regions: ['eu-central-1', 'ap-northeast-1'], bakeTime: '1h' },
];

/** Every day, all day: no window ever delays a start. */
export const ALWAYS = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], hours: '00:00-24:00' }];
