# Aplo: `make demo` runs the main job on a fresh machine; `make test` runs every test.
SHELL := /bin/bash
CONFIGURATION ?= Release
DOTNET ?= dotnet
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: all build test format demo demo-down demo-mock demo-mock-down bench clean

all: build

## build: compile everything and leave runnable bin/aplo-server and bin/aplo (the CLI, Native AOT)
build:
	$(DOTNET) build Aplo.slnx -c $(CONFIGURATION)
	$(DOTNET) publish src/Aplo.Server/Aplo.Server.csproj -c $(CONFIGURATION) --no-build -o .build/aplo-server
	scripts/native-toolchain
	rm -rf .build/aplo
	$(DOTNET) publish src/Aplo.Cli/Aplo.Cli.csproj -c $(CONFIGURATION) -r linux-x64 -o .build/aplo
	@mkdir -p bin
	@printf '#!/bin/sh\nexec "$$(dirname "$$(readlink -f "$$0")")/../.build/aplo-server/aplo-server" "$$@"\n' > bin/aplo-server
	@printf '#!/bin/sh\nexec "$$(dirname "$$(readlink -f "$$0")")/../.build/aplo/aplo" "$$@"\n' > bin/aplo
	@chmod +x bin/aplo-server bin/aplo

## format: apply the code style (CI checks it with --verify-no-changes)
format:
	$(DOTNET) format Aplo.slnx

## test: style check, build, every test project; ends with "N passed, N failed"
test:
	scripts/test

## demo: the lab, the server with the ssh executor, a replica-3 volume mounted, written and read
demo: build
	scripts/demo

## demo-down: unmount, stop the server, take the lab down
demo-down:
	scripts/demo --down

## demo-mock: the same API flow against simulated nodes (no lab needed)
demo-mock: build
	scripts/demo-mock

demo-mock-down:
	scripts/demo-mock --down

## bench: the benchmarks in bench/ (figures go to docs/benchmarks.md)
bench:
	$(DOTNET) run -c Release --project bench/Aplo.Bench -- all

clean:
	rm -rf bin .build
	$(DOTNET) clean Aplo.slnx -c $(CONFIGURATION) >/dev/null

-include mk/lab.mk
