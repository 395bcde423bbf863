// GET /api/v1/areas: the service area, its districts and wards as GeoJSON, for the floor's map and filters.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../http/schemas.js';

const floorStaff = { roles: ['operator', 'supervisor', 'admin', 'partner', 'auditor'] as const };

export const areaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { serviceArea } = app.ctx;
  let body: string | undefined;
  app.get(
    '/areas',
    {
      config: { access: floorStaff },
      schema: {
        tags: ['areas'],
        summary: 'The service area, its districts and wards (GeoJSON; feature properties id and name)',
        description: 'Generated over the service area when the deployment configures none (WATCHFLOOR_DISTRICTS, WATCHFLOOR_WARDS). Geometry is simplified for drawing.',
        response: { ...errorResponses(401, 403) },
      },
    },
    async (_request, reply) => {
      // The same for every caller until the next start: serialised once.
      body ??= JSON.stringify({
        serviceArea: { type: 'Feature', geometry: serviceArea.geometry, properties: { id: 'service-area', name: serviceArea.name } },
        districts: { ...serviceArea.areas!.districts.geojson(), source: serviceArea.areas!.districts.source },
        wards: { ...serviceArea.areas!.wards.geojson(), source: serviceArea.areas!.wards.source },
      });
      return reply.type('application/json').header('cache-control', 'private, max-age=300').send(body);
    },
  );
};
