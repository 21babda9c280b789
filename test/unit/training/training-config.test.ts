import { ConfigError, testConfig } from '../../../src/config';

describe('training reminder settings', () => {
  it('defaults to 7 and 1 days before at 09:00, plus 60 minutes before online sessions', () => {
    expect(testConfig().training).toEqual({ reminderDays: [7, 1], reminderTime: '09:00', onlineReminderMinutes: 60 });
  });

  it('reads offsets in any order, de-duplicated, latest reminder last; 0 minutes turns the online reminder off', () => {
    expect(testConfig({ TRAINING_REMINDER_DAYS: '2, 14;2', TRAINING_REMINDER_TIME: '08:30', TRAINING_ONLINE_REMINDER_MINUTES: '0' }).training).toEqual({
      reminderDays: [14, 2],
      reminderTime: '08:30',
      onlineReminderMinutes: 0,
    });
  });

  it.each([
    ['TRAINING_REMINDER_DAYS', 'seven'],
    ['TRAINING_REMINDER_DAYS', '1.5'],
    ['TRAINING_REMINDER_DAYS', '90'],
    ['TRAINING_REMINDER_TIME', '9am'],
    ['TRAINING_REMINDER_TIME', '24:00'],
    ['TRAINING_ONLINE_REMINDER_MINUTES', '-5'],
  ])('refuses %s=%s naming the key', (key, value) => {
    expect(() => testConfig({ [key]: value })).toThrow(ConfigError);
    try {
      testConfig({ [key]: value });
    } catch (e) {
      expect((e as ConfigError).problems.join('\n')).toContain(key);
    }
  });
});
