# The README's commands. On a machine with only python3 and make:
#   make demo   set up, then train and test on the mini Cityscapes and print its mIoU
#   make test   set up, then run the test suite (slow tests excluded), then the tests that
#               compare two kernels' results once more with AVX-512 off (KERNELS_ENV)
#   make synapse-demo / make drive-demo   the CT and retinal-vessel demos, AttentionUNet vs UNet
#   make msd-demo   your own dataset: a Decathlon-layout phantom converted, trained, tested, predicted
# Set-up: the active virtual environment, else ./.venv (created here); the README's install
# command runs once, and again only when setup.py, pyproject.toml or requirements/ change.
.PHONY: install test lint demo synapse-demo drive-demo msd-demo bench

PYTHON ?= python3
VENV := $(if $(VIRTUAL_ENV),$(VIRTUAL_ENV),.venv)
BIN := $(VENV)/bin
STAMP := $(VENV)/.attn-unet-installed
INSTALL_INPUTS := setup.py pyproject.toml $(wildcard requirements/*.txt)
# Rounding differs between processors: the tests marked `kernels` (torch against onnxruntime,
# folded BatchNorm, bf16, ...) run again with AVX2 kernels only and 2 onnxruntime threads.
KERNELS_ENV := ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2 ATEN_CPU_CAPABILITY=avx2 \
	ATTN_UNET_TEST_ORT_THREADS=2

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python $(INSTALL_INPUTS)
	. $(BIN)/activate && pip install torch==2.13.0 -e ".[lite,tests]"
	touch $@

install: $(STAMP)

demo: $(STAMP)
	. $(BIN)/activate && bash demo/mini_cityscapes_demo.sh

synapse-demo: $(STAMP)
	. $(BIN)/activate && bash demo/synapse_demo.sh

drive-demo: $(STAMP)
	. $(BIN)/activate && bash demo/drive_demo.sh

msd-demo: $(STAMP)
	. $(BIN)/activate && bash demo/msd_demo.sh

test: $(STAMP)
	. $(BIN)/activate && python -m pytest -q
	. $(BIN)/activate && $(KERNELS_ENV) python -m pytest -q -m 'kernels and not slow'

lint: $(STAMP)
	. $(BIN)/activate && ruff check . && ruff format --check .

bench: $(STAMP)
	. $(BIN)/activate && python benchmarks/bench_attn_vs_unet.py
