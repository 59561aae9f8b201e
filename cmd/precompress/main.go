// Command precompress writes NAME.br and NAME.gz beside every compressible file
// under a directory, so that cmd/klplay can serve compressed bytes without
// compressing on each request. A copy already there that decompresses to the
// file's bytes is kept: a rebuild compresses only the files that changed (brotli
// at its best level takes seconds for the wasm).
//
//	go run ./cmd/precompress dist
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
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

// An encoding names a compressed copy and how to write and read it.
type encoding struct {
	ext    string
	writer func(io.Writer) io.WriteCloser
	reader func(io.Reader) (io.Reader, error)
}

var encodings = []encoding{
	{".br",
		func(w io.Writer) io.WriteCloser { return brotli.NewWriterLevel(w, brotli.BestCompression) },
		func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }},
	{".gz",
		func(w io.Writer) io.WriteCloser { gw, _ := gzip.NewWriterLevel(w, gzip.BestCompression); return gw },
		func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
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
		sizes := map[string]int64{}
		for _, e := range encodings {
			if sizes[e.ext], err = precompress(path, raw, e); err != nil {
				return err
			}
		}
		if strings.HasSuffix(path, ".wasm") {
			fmt.Printf("%s: %d bytes, %d brotli, %d gzip\n", path, len(raw), sizes[".br"], sizes[".gz"])
		}
		return nil
	})
}

// precompress makes path+e.ext hold raw compressed, unless it already does,
// and returns the compressed size. A compressed copy that is not smaller is not
// worth a request header: it is removed, and its size is reported as the raw one.
func precompress(path string, raw []byte, e encoding) (int64, error) {
	name := path + e.ext
	if n, ok := holds(name, raw, e); ok {
		return n, nil
	}
	var buf bytes.Buffer
	w := e.writer(&buf)
	if _, err := w.Write(raw); err != nil {
		return 0, err
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	b := buf.Bytes()
	if len(b) >= len(raw) {
		os.Remove(name)
		return int64(len(raw)), nil
	}
	return int64(len(b)), os.WriteFile(name, b, 0o644)
}

// holds reports whether the file name decompresses to exactly raw, and its size.
func holds(name string, raw []byte, e encoding) (int64, bool) {
	f, err := os.Open(name)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, false
	}
	r, err := e.reader(f)
	if err != nil {
		return 0, false
	}
	// One byte more than raw is enough to tell a longer content.
	got, err := io.ReadAll(io.LimitReader(r, int64(len(raw))+1))
	return info.Size(), err == nil && bytes.Equal(got, raw)
}
