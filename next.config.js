/**
 * Next.js serves the surfaces only; /api and Socket.IO live in the custom server
 * (server/app.ts). No `output: 'standalone'`: it does not combine with a custom server.
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
