/**
 * botframework-connector 4.23 serialises `activity.entities` with a mapper that only knows `type`, `text` and
 * `mentioned`, so the schema.org Message entity (citations, the "AI generated" label) would reach Teams as a bare
 * `{ type }`. Declaring additional properties on that mapper makes the serializer keep the entity as written.
 * Verified by test/e2e/ask.e2e.test.ts, which reads the entity the connector actually received.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mappers = require('botframework-connector/lib/connectorApi/models/mappers') as {
  Entity?: { type: { additionalProperties?: unknown } };
};

export function keepEntityProperties(): void {
  if (mappers.Entity && !mappers.Entity.type.additionalProperties) {
    mappers.Entity.type.additionalProperties = { type: { name: 'Object' } };
  }
}
