# Rectify 督改通. `make test` is the whole suite; `make run` starts the demo.
.PHONY: test fuzz run build bench clean

test:
	bash scripts/test.sh

# Exploratory fuzzing of every decoder a user can reach, each target for a
# bounded time (make fuzz FUZZTIME=5m for a longer hunt). Not part of `make
# test`, which only replays the committed corpora: a finding lands as a
# corpus file under testdata/fuzz/ together with its fix.
FUZZTIME ?= 10s
fuzz:
	bash scripts/fuzz.sh $(FUZZTIME)

run:
	go run ./cmd/rectify serve --demo

build:
	go build -o bin/rectify ./cmd/rectify

# The performance report (docs/PERFORMANCE.md): rectify bench on both
# engines, then the Go benchmarks (make bench ARGS="--sizes 1000,10000").
bench:
	bash scripts/bench.sh $(ARGS)

clean:
	rm -rf bin
