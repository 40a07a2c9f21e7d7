# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
.PHONY: run test install unit demo bench schemas lock lint cluster-up cluster-down clean

PY := .venv/bin/python

run: install ## the whole product on http://127.0.0.1:8000 (embedded: SQLite + in-process events)
	$(PY) -m services

test: ## install, start real Kafka + PostgreSQL, run every test, stop them
	scripts/test.sh

install: ## create .venv from requirements.lock
	scripts/bootstrap.sh

unit: install ## the fast tests only (no broker, no database server)
	$(PY) -m pytest tests/unit -q

demo: install ## load the IBM sample into a running `make run` (AR_URL, AR_API_KEY)
	$(PY) -m scripts.demo

bench: install ## benchmarks against real Kafka + PostgreSQL; figures in docs/benchmarks.md
	scripts/bench.sh

schemas: install ## regenerate docs/events (JSON Schemas + AsyncAPI)
	$(PY) -m shared.events.export

lock: ## re-resolve requirements.lock after changing pyproject.toml
	scripts/lock.sh

lint: install ## service boundaries
	.venv/bin/lint-imports

cluster-up: install ## the distributed stack without Docker (Kafka, PostgreSQL, 8 processes, nginx)
	deploy/local-cluster.sh up

cluster-down:
	deploy/local-cluster.sh down

clean:
	rm -rf var .venv
