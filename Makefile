# Two commands run everything: `make demo` (the instructor's main job) and `make test`.
# Both create the virtual environment in .venv on first use, with Python 3.11.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test release bench bench-notebooks bench-kernels clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## release assignments/, grade the sample class, print the grade table
demo: $(STAMP)
	$(PY) -m autograder demo

## run the whole test suite on every core
test: $(STAMP)
	$(PY) -m pytest -n auto --dist loadfile -q

## regenerate assignments/ from solutions/
release: $(STAMP)
	$(PY) -m autograder release

## grading speed: our grader against stock nbgrader on a generated class
bench: $(STAMP)
	$(PY) -m autograder.bench

## how long each solution notebook takes from a fresh kernel, and its peak memory
bench-notebooks: $(STAMP)
	$(PY) -m autograder.bench_notebooks

## utils' kernels (convolution, ...) against PyTorch on the CPU, and against numpy's GEMM rate
bench-kernels: $(STAMP)
	$(PY) -m autograder.bench_kernels

clean:
	rm -rf out .pytest_cache
