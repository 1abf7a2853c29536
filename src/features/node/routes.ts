import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../app.ts';
import { NotFound } from '../../domain/errors.ts';
import { listCountries } from '../../domain/country.ts';
import { errorResponses } from '../../http/schemas.ts';
import { readNodeInfo } from './service.ts';

const NodeInfoSchema = Type.Object({
  nodeId: Type.String(),
  name: Type.String(),
  country: Type.Union([Type.String(), Type.Null()]),
  publicKey: Type.String({ description: 'Ed25519 public key, base64 of the raw 32 bytes' }),
  fingerprint: Type.String(),
  version: Type.String(),
});

const nodeRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/node', { config: { beforePasswordChange: true }, schema: { tags: ['node'], summary: "This node's public identity", response: { 200: NodeInfoSchema, ...errorResponses } } }, async () => {
    const node = await readNodeInfo(ctx);
    if (!node) throw new NotFound('node identity (run `sanad init`)');
    return node;
  });
  const countries = { items: listCountries() };
  app.get(
    '/countries',
    { config: { beforePasswordChange: true }, schema: { tags: ['node'], summary: 'ISO 3166-1 alpha-2 codes', response: { 200: Type.Object({ items: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })) }) } } },
    async () => countries,
  );
};

export default nodeRoutes;
