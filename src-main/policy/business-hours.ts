import type { BusinessHours } from '../focus/types.js';
import type { SettingsValues } from './schema.js';
import { WEEKDAYS } from './value-schemas.js';

/**
 * The focus rules' BusinessHours from the settings: readable weekday names
 * ("mon") become BusinessHours' numbers (0 = Sunday), and an empty time zone
 * becomes the computer's. null when no business hours are set (never
 * after-hours). Pure: the computer's zone is a parameter.
 */
export function toBusinessHours(
  values: Pick<SettingsValues, 'hours.timeZone' | 'hours.weekly'>,
  systemTimeZone: string = Intl.DateTimeFormat().resolvedOptions().timeZone,
): BusinessHours | null {
  const weekly = values['hours.weekly'];
  if (weekly === null) return null;
  const byNumber: BusinessHours['weekly'] = {};
  WEEKDAYS.forEach((day, index) => {
    const ranges = weekly[day];
    if (ranges) byNumber[index as keyof BusinessHours['weekly']] = ranges.map((r) => ({ start: r.start, end: r.end }));
  });
  return { timeZone: values['hours.timeZone'] || systemTimeZone, weekly: byNumber };
}
