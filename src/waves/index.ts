/**
 * Region waves: the pure planner and next-step decision, the fan-out matrix,
 * renderers, and the `bellwether waves plan` command.
 */
export { planWaves, regionDuration } from './planner.js';
export { decideWaveStep } from './decide.js';
export type { WaveStepInput } from './decide.js';
export { dueAtPlanTime, matrixOf, matrixOfStep, planOutputs, stepOutputs } from './matrix.js';
export type { MatrixEntry, WavesMatrix, WavesOutputs } from './matrix.js';
export { renderPlanText } from './render-text.js';
export { renderPlanMarkdown, ganttChart } from './render-markdown.js';
export { renderStepMarkdown, renderStepText, stepHeadline } from './render-step.js';
export { holidayCalendarSchema, loadHolidayCalendars } from './holidays.js';
export { DEFAULT_ESTIMATES, environmentName, releaseWaves } from './settings.js';
export type { HolidayCalendar, ReleaseWave, WavesRelease, WavesSettings } from './settings.js';
export type * from './types.js';
