import type { TableClient } from '@azure/data-tables';
import { getOrUndefined, isConflict } from '../storage/tables';
import type { SeedCourse } from './course-catalog.parser';
import type { Course } from './training.types';

const PK = 'course';
type Row = Course & { partitionKey: string; rowKey: string };

function fromRow(r: Row & { etag?: string; timestamp?: string }): Course {
  return {
    id: r.rowKey,
    name: r.name,
    description: r.description || undefined,
    kind: r.kind,
    source: r.source || undefined,
    attendance: typeof r.attendance === 'number' ? r.attendance : undefined,
    active: r.active !== false,
    updatedBy: r.updatedBy || undefined,
    updatedAt: r.updatedAt,
  };
}

/** The course catalogue (one partition: a few dozen rows). */
export class CourseStore {
  constructor(private readonly table: TableClient) {}

  async get(id: string): Promise<Course | undefined> {
    const r = await getOrUndefined<Row>(this.table, PK, id);
    return r ? fromRow(r) : undefined;
  }

  async list(includeInactive = false): Promise<Course[]> {
    const out: Course[] = [];
    for await (const r of this.table.listEntities<Row>({ queryOptions: { filter: `PartitionKey eq '${PK}'` } })) {
      const c = fromRow(r as Row);
      if (includeInactive || c.active) out.push(c);
    }
    return out.sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  }

  /** Adds seed courses that are not there yet; a trainer's edits to an existing course are never overwritten. */
  async seed(courses: SeedCourse[], nowIso: string): Promise<number> {
    let added = 0;
    for (const c of courses) {
      try {
        await this.table.createEntity({ partitionKey: PK, rowKey: c.id, name: c.name, kind: c.kind, source: c.source, attendance: c.attendance, active: true, updatedAt: nowIso });
        added += 1;
      } catch (e) {
        if (!isConflict(e)) throw e;
      }
    }
    return added;
  }

  async upsert(course: Course): Promise<void> {
    const { id, ...rest } = course;
    await this.table.upsertEntity({ partitionKey: PK, rowKey: id, ...rest, description: rest.description ?? '', source: rest.source ?? '' }, 'Replace');
  }
}
