import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FLOW_SCHEMA_FILE, flowJsonSchema } from '../../src/cli/flows-schema.js';

interface JsonSchema {
  $schema?: string;
  type?: string;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  const?: unknown;
  additionalProperties?: boolean | JsonSchema;
}

describe('flows/schema/flow.schema.json', () => {
  it('is exactly what `npm run flows:schema` generates from the zod definition (run it after changing definition.ts)', () => {
    expect(readFileSync(FLOW_SCHEMA_FILE, 'utf8')).toBe(flowJsonSchema());
  });

  it('describes the flow format editors complete: required fields, one schema per step type, no unknown fields', () => {
    const schema = JSON.parse(flowJsonSchema()) as JsonSchema;
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['spec', 'id', 'name', 'steps']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties?.spec?.const).toBe(1);

    const stepSchemas = schema.properties?.steps?.items?.oneOf ?? schema.properties?.steps?.items?.anyOf ?? [];
    expect(stepSchemas.map((s) => s.properties?.type?.const)).toEqual(['say', 'ask', 'branch', 'collect', 'handoff', 'end']);
    for (const step of stepSchemas) expect(step.additionalProperties).toBe(false);
    // Input schema: fields with defaults (settings, languages, a collect's kind) stay optional for the writer.
    expect(schema.required).not.toContain('languages');
    const collect = stepSchemas.find((s) => s.properties?.type?.const === 'collect');
    expect(collect?.required).not.toContain('kind');
  });
});
