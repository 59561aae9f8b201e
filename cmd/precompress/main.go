// Command precompress writes NAME.br and NAME.gz beside every compressible file
// under a directory, so that cmd/klplay can serve compressed bytes without
// compressing on each request.
//
// Brotli at its best level takes about half a minute for the wasm, so nothing is
// compressed twice: a copy already beside the file that decompresses to the
// file's bytes is kept, and every copy made is also kept in a cache named by the
// hash of its input (under the user's cache directory, as Go's build cache is),
// so that a fresh clone of unchanged sources compresses nothing. Every copy taken
// from the cache is checked by decompressing it, so a damaged entry is only
// redone. Entries unused for a week are removed.
//
//	go run ./cmd/precompress dist
package main

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
)

// compressible lists the extensions worth compressing; images and fonts already are.
var compressible = map[string]bool{
	".html": true, ".js": true, ".mjs": true, ".css": true, ".wasm": true,
	".svg": true, ".json": true, ".txt": true, ".webmanifest": true,
}

// An encoding names a compressed copy and how to write and read it. Its key
// names its settings in the cache, so that a change of level is a new entry.
type encoding struct {
	ext    string
	key    string
	writer func(io.Writer) io.WriteCloser
	reader func(io.Reader) (io.Reader, error)
}

var encodings = []encoding{
	{".br", "br11",
		func(w io.Writer) io.WriteCloser { return brotli.NewWriterLevel(w, brotli.BestCompression) },
		func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }},
	{".gz", "gz9",
		func(w io.Writer) io.WriteCloser { gw, _ := gzip.NewWriterLevel(w, gzip.BestCompression); return gw },
		func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
}

// cacheTTL is how long an unused cache entry is kept.
const cacheTTL = 7 * 24 * time.Hour

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: precompress DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1], cacheDir()); err != nil {
		fmt.Fprintln(os.Stderr, "precompress:", err)
		os.Exit(1)
	}
}

// cacheDir is $KLPLAY_CACHE, else klplay/precompress under the user's cache
// directory; "" (no cache) when neither can be made.
func cacheDir() string {
	dir := os.Getenv("KLPLAY_CACHE")
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(base, "klplay", "precompress")
	}
	if os.MkdirAll(dir, 0o755) != nil {
		return ""
	}
	return dir
}

// run compresses every compressible file under dir, the files side by side on
// every core: the wasm's brotli alone is most of the time.
func run(dir, cache string) error {
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && compressible[filepath.Ext(path)] {
			paths = append(paths, path)
		}
		return err
	})
	if err != nil {
		return err
	}
	type job struct {
		path string
		e    encoding
	}
	jobs := make(chan job)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		sizes = map[string]int64{}
	)
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				n, err := precompress(j.path, j.e, cache)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				sizes[j.path+j.e.ext] = n
				mu.Unlock()
			}
		}()
	}
	// The largest file first, so that it is not the one left running alone.
	sortBySize(paths)
	for _, p := range paths {
		for _, e := range encodings {
			jobs <- job{p, e}
		}
	}
	close(jobs)
	wg.Wait()
	if first != nil {
		return first
	}
	for _, p := range paths {
		if strings.HasSuffix(p, ".wasm") {
			info, _ := os.Stat(p)
			fmt.Printf("%s: %d bytes, %d brotli, %d gzip\n", p, info.Size(), sizes[p+".br"], sizes[p+".gz"])
		}
	}
	if cache != "" {
		prune(cache, time.Now().Add(-cacheTTL))
	}
	return nil
}

func sortBySize(paths []string) {
	size := map[string]int64{}
	for _, p := range paths {
		if info, err := os.Stat(p); err == nil {
			size[p] = info.Size()
		}
	}
	slices.SortStableFunc(paths, func(a, b string) int { return cmp.Compare(size[b], size[a]) })
}

// precompress makes path+e.ext hold path's bytes compressed, unless it already
// does, and returns the compressed size. A compressed copy that is not smaller is
// not worth a request header: it is removed, and its size is reported as the raw one.
func precompress(path string, e encoding, cache string) (int64, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	name := path + e.ext
	if n, ok := holds(name, raw, e); ok {
		// Still right, but the file was rewritten after it: klplay -dir serves a
		// copy older than its file as stale, so the kept copy takes the file's time.
		if fi, err := os.Stat(path); err == nil {
			if ci, err := os.Stat(name); err == nil && ci.ModTime().Before(fi.ModTime()) {
				return n, os.Chtimes(name, fi.ModTime(), fi.ModTime())
			}
		}
		return n, nil
	}
	var entry string
	if cache != "" {
		sum := sha256.Sum256(raw)
		entry = filepath.Join(cache, hex.EncodeToString(sum[:])+"."+e.key)
		if n, ok := holds(entry, raw, e); ok {
			now := time.Now()
			os.Chtimes(entry, now, now)
			return n, copyFile(entry, name)
		}
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
	if entry != "" {
		writeAtomic(entry, b) // a cache that cannot be written only costs time
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

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

// writeAtomic writes name through a temporary file and a rename, so that two
// builds sharing the cache never see half an entry.
func writeAtomic(name string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %v %v", name, werr, cerr)
	}
	return os.Rename(f.Name(), name)
}

// prune removes the cache's entries (and stray temporary files) last used before cutoff.
func prune(cache string, cutoff time.Time) {
	entries, err := os.ReadDir(cache)
	if err != nil {
		return
	}
	for _, d := range entries {
		if info, err := d.Info(); err == nil && info.ModTime().Before(cutoff) {
			os.Remove(filepath.Join(cache, d.Name()))
		}
	}
}
