module github.com/klplayground/klplay

go 1.26.8

require (
	github.com/andybalholm/brotli v1.2.8
	github.com/hack-pad/go-indexeddb v0.3.2
	gonum.org/v1/gonum v0.17.0
)

require github.com/hack-pad/safejs v0.1.0 // indirect
