-- docker-compose.yml: run once by the postgres image on an empty volume.
-- One database per service (each service owns its data). deploy/postgres/start.sh creates
-- the same ones (plus ar_test) for tests and the local cluster.
CREATE DATABASE ar_ledger;
CREATE DATABASE ar_credit;
CREATE DATABASE ar_dunning;
CREATE DATABASE ar_reporting;
