# Rectify 督改通. `make test` is the whole suite; `make run` starts the demo.
.PHONY: test run build bench clean

test:
	bash scripts/test.sh

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
