import { z } from 'zod';
import guiyang from '../data/guiyang.json';

/** The real facts the demo city is built around (db/data/guiyang.json), parsed so a bad edit fails loudly. */
const lngLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const districtSchema = z.object({
  code: z.string().regex(/^\d{6}$/),
  name: z.string().min(1),
  nameEn: z.string().min(1),
  kind: z.enum(['urban', 'mixed', 'rural']),
  centroid: lngLat,
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  areaKm2: z.number().positive(),
  population: z.number().int().positive(),
});
const factsSchema = z.object({
  city: z.object({
    code: z.string().regex(/^\d{6}$/),
    name: z.string(),
    nameEn: z.string(),
    center: lngLat,
    population: z.number().int().positive(),
  }),
  districts: z.array(districtSchema).min(1),
});

export type DistrictKind = z.infer<typeof districtSchema>['kind'];
export type DistrictFacts = z.infer<typeof districtSchema>;
export type CityFacts = z.infer<typeof factsSchema>;

export const CITY_FACTS: CityFacts = factsSchema.parse(guiyang);
