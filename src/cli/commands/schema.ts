import { knowledgeBaseJsonSchema } from '../../kb/schema.js';
import { COMMON, defineCommand } from '../command.js';

export default defineCommand({
  name: 'schema',
  synopsis: 'schema',
  summary: 'print the JSON Schema of KB files',
  help: `Usage: kefu schema

Prints the JSON Schema of a KB file (also shipped as kefu/kb.schema.json).`,
  options: { ...COMMON },
  async run() {
    console.log(JSON.stringify(knowledgeBaseJsonSchema(), null, 2));
    return 0;
  },
});
