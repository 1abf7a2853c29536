// Whatever a CSAF import is sent, it answers with a 4xx naming the problem or imports: never a 5xx.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { startTestApp, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { testEngines } from '../../../test/helpers/store.ts';

const BSI = path.resolve(import.meta.dirname, '../../../../shared/testdata/csaf20/bsi-2022-0001.json');

/** The document with one property somewhere removed or replaced by an arbitrary value. */
function mutate(document: unknown, pathChoice: number, replacement: unknown, remove: boolean): unknown {
  const copy = structuredClone(document) as Record<string, unknown>;
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach((child, i) => (slots.push([node, i]), walk(child)));
    else if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) (slots.push([node as Record<string, unknown>, key]), walk(child));
  };
  walk(copy);
  const [parent, key] = slots[pathChoice % slots.length]!;
  if (remove && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key as string];
  else (parent as Record<string | number, unknown>)[key] = replacement;
  return copy;
}

for (const engine of await testEngines()) {
  describe(`CSAF import under arbitrary input (${engine})`, () => {
    let app: TestApp;
    let analyst: Session;
    before(async () => {
      app = await startTestApp(engine);
      analyst = await app.addUser(await app.addOrganisation('CSAF-FUZZ', 'MY'), 'analyst');
    });
    after(() => app.close());

    const post = (body: string) => app.request({ method: 'POST', url: '/api/v1/advisories/import', session: analyst, payload: body, headers: { 'content-type': 'application/json' } });

    test('arbitrary JSON and damaged advisories are refused with a 4xx, never a crash', async () => {
      const original = fs.existsSync(BSI) ? JSON.parse(fs.readFileSync(BSI, 'utf8')) : { document: { category: 'csaf_base', csaf_version: '2.0', title: 't' } };
      const documents = fc.oneof(
        fc.jsonValue().map((value) => JSON.stringify(value)),
        fc.tuple(fc.nat(), fc.jsonValue(), fc.boolean()).map(([where, value, remove]) => JSON.stringify(mutate(original, where, value, remove))),
      );
      await fc.assert(
        fc.asyncProperty(documents, async (body) => {
          const response = await post(body);
          assert.ok(response.statusCode < 500, `${response.statusCode} ${response.body.slice(0, 300)} for ${body.slice(0, 200)}`);
        }),
        { numRuns: 120 },
      );
    });
  });
}
