// Command precompress writes NAME.br and NAME.gz beside every compressible file
// under a directory, so that cmd/klplay can serve compressed bytes without
// compressing on each request.
//
//	go run ./cmd/precompress dist
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/andybalholm/brotli"
)

// compressible lists the extensions worth compressing; images and fonts already are.
var compressible = map[string]bool{
	".html": true, ".js": true, ".mjs": true, ".css": true, ".wasm": true,
	".svg": true, ".json": true, ".txt": true, ".webmanifest": true,
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: precompress DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "precompress:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !compressible[filepath.Ext(path)] {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var br, gz bytes.Buffer
		bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
		gw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		for _, w := range []interface {
			Write([]byte) (int, error)
			Close() error
		}{bw, gw} {
			if _, err := w.Write(raw); err != nil {
				return err
			}
			if err := w.Close(); err != nil {
				return err
			}
		}
		// A compressed copy that is not smaller is not worth a request header.
		for ext, b := range map[string][]byte{".br": br.Bytes(), ".gz": gz.Bytes()} {
			if len(b) >= len(raw) {
				os.Remove(path + ext)
				continue
			}
			if err := os.WriteFile(path+ext, b, 0o644); err != nil {
				return err
			}
		}
		if strings.HasSuffix(path, ".wasm") {
			fmt.Printf("%s: %d bytes, %d brotli, %d gzip\n", path, len(raw), br.Len(), gz.Len())
		}
		return nil
	})
}
