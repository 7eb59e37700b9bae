-- The application's role and database, created when missing (run by deploy/local/servers.sh as
-- the superuser `postgres` after each start of PostgreSQL).
SELECT 'CREATE ROLE paredao LOGIN CREATEDB PASSWORD ''paredao'''
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'paredao') \gexec
SELECT 'CREATE DATABASE paredao OWNER paredao'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'paredao') \gexec
