# Rectify 督改通. `make test` is the whole suite; `make run` starts the demo.
.PHONY: test run build bench clean

test:
	bash scripts/test.sh

run:
	go run ./cmd/rectify serve --demo

build:
	go build -o bin/rectify ./cmd/rectify

bench:
	go test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
