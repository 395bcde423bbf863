// The kinds of footage request an owner may turn down (contract G): the public list, and the owner's choice.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../http/schemas.js';
import { REQUEST_KIND_IDS, REQUEST_KINDS } from './request-kinds.js';

const Text = Type.Object({ en: Type.String(), es: Type.String() });
const DeclinedKinds = Type.Array(Type.String({ minLength: 1, maxLength: 40 }), {
  maxItems: 20,
  description: `kinds the owner does not want to be asked about: any of ${REQUEST_KIND_IDS.join(', ')}; empty to take every kind`,
});

export const requestKindRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { owners } = app.ctx;

  app.get(
    '/public/request-kinds',
    {
      config: { access: 'public' },
      schema: {
        tags: ['public'],
        summary: 'Kinds of footage request an owner may decline, in English and Spanish',
        description: 'Every incident type falls into one kind (the table is in docs/privacy.md); a type the table does not know is "other".',
        response: { 200: Type.Object({ kinds: Type.Array(Type.Object({ id: Type.String(), label: Text, description: Text })) }) },
      },
    },
    async () => ({ kinds: [...REQUEST_KINDS] }),
  );

  app.put(
    '/owner/preferences',
    {
      config: { access: 'owner' },
      schema: {
        tags: ['owner'],
        summary: 'Choose the kinds of incident the owner does not want footage requests about',
        description: 'The owner’s cameras are left out of matching for incidents of those kinds from the next incident on; an empty list takes every kind again.',
        body: Type.Object({ declinedKinds: DeclinedKinds }, { additionalProperties: false }),
        response: { 200: Type.Object({ declinedKinds: Type.Array(Type.String()) }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ declinedKinds: await owners.setDeclinedKinds(request.ownerId!, request.body.declinedKinds, request.id) }),
  );
};
