-- PostGIS must exist before any geometry column. On PGlite the extension
-- bundle is loaded by the client (db/client.ts); CREATE EXTENSION activates it.
CREATE EXTENSION IF NOT EXISTS postgis;
