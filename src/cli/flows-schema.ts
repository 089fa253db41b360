import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { FLOW_SPEC_VERSION, FlowDefinition } from '../flow/definition.js';

/** `npm run flows:schema`: writes flows/schema/flow.schema.json, the JSON Schema editors use to complete flow files. */

/** Where the generated schema is committed; flow files point at it with a `yaml-language-server` comment. */
export const FLOW_SCHEMA_FILE = fileURLToPath(new URL('../../flows/schema/flow.schema.json', import.meta.url));

/** The JSON Schema of the flow format (as written, before defaults), as the exact text to commit. */
export function flowJsonSchema(): string {
  // draft-07 because yaml-language-server (VS Code YAML, many editors) supports it fully; `io: 'input'` leaves
  // defaulted fields optional, as a coordinator writes them.
  const schema = z.toJSONSchema(FlowDefinition, { io: 'input', target: 'draft-7' });
  const withTitle = {
    $schema: schema.$schema,
    title: `tracebot flow (spec ${FLOW_SPEC_VERSION})`,
    description: 'A tracebot interview script. Generated from src/flow/definition.ts by `npm run flows:schema`; do not edit.',
    ...schema,
  };
  return `${JSON.stringify(withTitle, null, 2)}\n`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(FLOW_SCHEMA_FILE, flowJsonSchema());
  console.log(`wrote ${FLOW_SCHEMA_FILE.slice(FLOW_SCHEMA_FILE.lastIndexOf('flows/'))}`);
}
