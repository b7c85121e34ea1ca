# Two commands: `make run` (set up and serve on SQLite with the Kupang data) and `make test`.
PORT ?= 8000
PY := .venv/bin/python
DEV := DEBUG=1

.PHONY: run test setup lint format messages bench soak editor-effort

run:
	@bin/venv requirements.txt
	@$(DEV) $(PY) manage.py migrate --noinput -v 0
	@$(DEV) $(PY) manage.py load_kupang_data --if-empty
	@echo ""
	@echo "Buat akun admin pertama / create the first admin account:"
	@echo "    DEBUG=1 .venv/bin/python manage.py createsuperuser"
	@echo "Situs / site: http://127.0.0.1:$(PORT)/   admin: http://127.0.0.1:$(PORT)/admin/"
	@$(DEV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test:
	@bin/test

# load benchmark: throwaway PostgreSQL, gunicorn, nginx, wrk; the default administration grown to 1x and 100x (docs/benchmark.md)
bench:
	@bin/bench

lint:
	@bin/venv && .venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	@bin/venv && .venv/bin/ruff format . && .venv/bin/ruff check --fix .

messages:
	@bin/venv && $(DEV) $(PY) manage.py makemessages -l en --ignore=.venv && $(DEV) $(PY) manage.py compilemessages --ignore=.venv

# Production-like soak test: gunicorn + PostgreSQL, readers and editors at once, then the database is checked (docs/soak.md).
soak:
	@bin/soak

# How long entering the five seed articles takes an editor on the desk, replayed in Chromium and priced by issue 12's
# formula; prints the table (docs/editor-effort.md). CHROMIUM_PATH is read from the environment when set.
editor-effort:
	@bin/venv requirements-dev.txt && SECRET_KEY=effort $(PY) -m pytest -q -s -p no:cacheprovider tests/test_editor_effort.py
