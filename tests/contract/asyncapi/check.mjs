// The official AsyncAPI parser on one document: prints every diagnostic, exits 1 on any error.
// Installed by `make setup` (npm ci here); run by tests/contract/test_asyncapi_parser.py.
import { Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
const file = process.argv[2];
const parser = new Parser();
const { document, diagnostics } = await parser.parse(readFileSync(file, 'utf8'), { source: file });
const names = ['error', 'warning', 'information', 'hint'];
for (const d of diagnostics) console.log(`${names[d.severity]} ${d.code} ${d.path.join('.')}: ${d.message}`);
const errors = diagnostics.filter(d => d.severity === 0).length;
console.log(`${errors} error(s), ${diagnostics.length - errors} other diagnostic(s); document ${document ? 'parsed' : 'not parsed'}`);
process.exit(errors || !document ? 1 : 0);
