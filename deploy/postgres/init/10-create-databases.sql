-- docker-compose.yml: run once by the postgres image on an empty volume.
-- One database per service (each service owns its data). deploy/postgres/start.sh creates
-- the same ones for the local cluster (and the tests, which add ar_test).
CREATE DATABASE ar_ledger;
CREATE DATABASE ar_credit;
CREATE DATABASE ar_dunning;
CREATE DATABASE ar_reporting;
