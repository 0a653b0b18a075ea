// Each Insights chart's CSV holds the numbers the chart draws (the seeded call log's),
// and a caller's name can't become a spreadsheet formula.
import { describe, expect, it } from 'vitest';
import type { InsightsView } from '../../../src-main/ipc/contract.js';
import { computeInsights } from '../../../src-main/insights/insights.js';
import { chartCsv } from '../../../src-renderer/ui/insights-csv.js';
import { ATTEMPTS, FOCUS_PERIODS, FROM, KNOWN_CALLERS, TIME_ZONE, TO, toContactAttempt } from '../../fixtures/insights/seeded-call-log.js';

const view: InsightsView = computeInsights({
  range: { from: FROM, to: TO, timeZone: TIME_ZONE },
  now: Date.parse('2026-03-10T12:00-05:00'),
  attempts: ATTEMPTS.map(toContactAttempt),
  focus: FOCUS_PERIODS.map((p) => ({ startedAt: p.started, endedAt: p.ended })),
  voicemails: [],
  whoIs: (n) => {
    const k = KNOWN_CALLERS.find((c) => c.number === n);
    return k ? { name: k.contactName, company: k.company, coworker: false } : null;
  },
  hostTrusted: () => true,
});

// Every file starts with the byte order mark that makes Excel read UTF-8.
const lines = (text: string) => {
  expect(text.startsWith('\uFEFF"')).toBe(true);
  return text.slice(1).split('\r\n').filter(Boolean);
};

describe('chartCsv', () => {
  it.each([
    [
      'interruptions',
      [
        '"day","redirected","voicemail","busy","silent","total"',
        '"2026-03-07","2","1","0","0","3"',
        '"2026-03-08","0","0","1","0","1"',
        '"2026-03-09","1","0","0","1","2"',
      ],
    ],
    ['focus', ['"day","minutes_in_focus"', '"2026-03-07","360"', '"2026-03-08","180"', '"2026-03-09","0"']],
    [
      'callbacks',
      ['"day","called_back_on_time","called_back_late","overdue"', '"2026-03-07","1","0","0"', '"2026-03-08","0","0","1"', '"2026-03-09","1","0","0"'],
    ],
    [
      'repeat-callers',
      [
        '"company","caller","number","calls","held_back","last_call"',
        '"Contoso Dental","Maria Lopez","+13125550142","3","3","2026-03-07T15:10:00.000Z"',
        '"Fabrikam","+14155550100","+14155550100","1","1","2026-03-09T04:30:00.000Z"',
        '"Fabrikam","Lee Park","+14155550101","1","1","2026-03-09T05:30:00.000Z"',
        '"","Reception","+16465550199","1","0","2026-03-09T13:00:00.000Z"',
      ],
    ],
  ] as const)('%s: the chart’s rows, header first', (chart, expected) => {
    const csv = chartCsv(view, chart);
    expect(csv.fileName).toBe(`focusline-${chart}-2026-03-07-to-2026-03-09.csv`);
    expect(lines(csv.text)).toEqual(expected);
  });

  it('defuses a display name a spreadsheet would run, keeps phone numbers and quotes', () => {
    const hostile: InsightsView = {
      ...view,
      repeatCallers: {
        rows: [
          {
            company: '=HYPERLINK("http://evil.example")',
            label: 'x',
            calls: 1,
            heldBack: 0,
            callers: [{ name: '@SUM(A1)', number: '+1 (415) 555-0100', calls: 1, heldBack: 0, lastAt: '2026-03-09T13:00:00.000Z' }],
          },
        ],
      },
    };
    expect(lines(chartCsv(hostile, 'repeat-callers').text)[1]).toBe(
      `"'=HYPERLINK(""http://evil.example"")","'@SUM(A1)","+1 (415) 555-0100","1","0","2026-03-09T13:00:00.000Z"`,
    );
  });
});
