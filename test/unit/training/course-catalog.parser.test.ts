import * as path from 'node:path';
import { courseId, parseAnnualReport, parseNewsletterElearning, parseNewsletterList, readSeedCourses } from '../../../src/training/course-catalog.parser';

describe('course names from the bundled documents', () => {
  it('reads the annual report attendance table (18 courses with attendance) and its learning events', () => {
    const all = readSeedCourses(path.join(__dirname, '../../../guidance'));
    const report = all.filter((c) => c.source === 'cscp-annual-report-2024-2025.txt');
    const taught = report.filter((c) => c.attendance !== undefined);
    expect(taught).toHaveLength(18);
    expect(taught[0]).toEqual({ id: 'safeguarding-awareness-e-learning', name: 'Safeguarding Awareness E-Learning', kind: 'e-learning', source: 'cscp-annual-report-2024-2025.txt', attendance: 482 });
    expect(taught.map((c) => c.name)).toEqual(expect.arrayContaining(['Working Together to Safeguard Children', 'Management of Allegations (LADO)', 'Having Difficult Conversations with Children & Families', 'Five to Thrive']));
    expect(taught.reduce((n, c) => n + (c.attendance ?? 0), 0)).toBe(2194);
    expect(report.filter((c) => c.kind === 'learning event').map((c) => c.name)).toEqual(['Loan Sharks & Scams Intervention', 'Forced Marriage Awareness', 'Fire Safety', 'Understanding Child Neglect']);
    // the newsletters add theirs; the autumn e-learning is the report's Reducing Parental Conflict course, not a second one
    expect(all.filter((c) => c.source === 'cscp-newsletter-2025-spring.txt').map((c) => c.name)).toEqual(['NSPCC – Online Safety Workshop', 'Professional Curiosity', 'Substance Misuse in Pregnancy']);
    expect(all.filter((c) => /parental conflict/i.test(c.name))).toHaveLength(1);
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
  });

  it('parses the shapes on their own', () => {
    const report = 'Intro\nPlease see below for annual attendance for each session:\n\nA Course\t12\nB & C\t1,204\n\nLearning Events:\n\nThe CSCP has organised these events.\n\nFire Safety\n\nIn total, 30 practitioners attended.\n';
    expect(parseAnnualReport(report, 'r.txt').map((c) => [c.name, c.attendance, c.kind])).toEqual([
      ['A Course', 12, 'course'],
      ['B & C', 1204, 'course'],
      ['Fire Safety', undefined, 'learning event'],
    ]);
    expect(parseNewsletterList('New upcoming training and learning events, including:\n- One\n- Two\n…and more', 'n.txt').map((c) => c.name)).toEqual(['One', 'Two']);
    expect(parseNewsletterElearning('A new e-learning opportunity to enhance your knowledge on Reducing Parental Conflict. More.', 'n.txt')[0].name).toBe('Reducing Parental Conflict E-Learning');
    expect(readSeedCourses('/no/such/dir')).toEqual([]);
    expect(courseId('NSPCC – Online Safety Workshop')).toBe('nspcc-online-safety-workshop');
  });
});
