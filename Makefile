# Targets named in the README.
.PHONY: install test lint demo bench

install:
	pip install torch==2.13.0 -e ".[lite,tests]"

test:
	python3 -m pytest -q

lint:
	ruff check . && ruff format --check .

demo:
	bash tools/mini_cityscapes_demo.sh

bench:
	python3 benchmarks/bench_attn_vs_unet.py
