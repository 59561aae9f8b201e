package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// site writes a directory holding one compressible file and one that is not.
func site(t *testing.T, text string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.js"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "icon.png"), []byte("png"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// decoded returns what name decompresses to under e.
func decoded(t *testing.T, name string, e encoding) string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := e.reader(f)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestCompressesThroughTheCache(t *testing.T) {
	text := strings.Repeat("function kl(p, q) { return p * Math.log(p / q) }\n", 200)
	cache := t.TempDir()

	first := site(t, text)
	if err := run(first, cache); err != nil {
		t.Fatal(err)
	}
	for _, e := range encodings {
		if got := decoded(t, filepath.Join(first, "app.js"+e.ext), e); got != text {
			t.Errorf("%s copy decompresses to %d bytes, want the %d of app.js", e.ext, len(got), len(text))
		}
	}
	if _, err := os.Stat(filepath.Join(first, "icon.png.br")); !os.IsNotExist(err) {
		t.Errorf("icon.png was compressed (%v); images are left as they are", err)
	}
	entries, _ := os.ReadDir(cache)
	if len(entries) != len(encodings) {
		t.Fatalf("cache holds %d entries after one file, want %d", len(entries), len(encodings))
	}

	// A damaged entry is redone, not served: a second clone of the same site
	// gets a correct copy either way.
	br := filepath.Join(cache, entries[0].Name())
	if err := os.WriteFile(br, []byte("not compressed"), 0o644); err != nil {
		t.Fatal(err)
	}
	second := site(t, text)
	if err := run(second, cache); err != nil {
		t.Fatal(err)
	}
	for _, e := range encodings {
		if got := decoded(t, filepath.Join(second, "app.js"+e.ext), e); got != text {
			t.Errorf("from the cache, the %s copy decompresses to %d bytes, want %d", e.ext, len(got), len(text))
		}
	}
}

func TestIncompressibleFileGetsNoCopy(t *testing.T) {
	dir := site(t, "x")
	if err := run(dir, ""); err != nil {
		t.Fatal(err)
	}
	for _, e := range encodings {
		if _, err := os.Stat(filepath.Join(dir, "app.js"+e.ext)); !os.IsNotExist(err) {
			t.Errorf("a one-byte file got a %s copy (%v); it cannot be smaller", e.ext, err)
		}
	}
}

func TestPruneRemovesOnlyOldEntries(t *testing.T) {
	cache := t.TempDir()
	old, fresh := filepath.Join(cache, "old.br11"), filepath.Join(cache, "fresh.br11")
	for _, name := range []string{old, fresh} {
		if err := os.WriteFile(name, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-2 * cacheTTL)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}
	prune(cache, time.Now().Add(-cacheTTL))
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("an entry unused for two weeks is still there (%v)", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("an entry used today was removed: %v", err)
	}
}

// A file rewritten with the same bytes (a rebuild) keeps its copies, which take
// its time: klplay -dir serves a copy older than its file as stale.
func TestKeptCopyIsNotOlderThanItsFile(t *testing.T) {
	text := strings.Repeat("const kl = (p, q) => p * Math.log(p / q);\n", 200)
	dir := site(t, text)
	if err := run(dir, ""); err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(dir, "app.js")
	later := time.Now().Add(time.Hour).Truncate(time.Second)
	if err := os.Chtimes(app, later, later); err != nil {
		t.Fatal(err)
	}
	if err := run(dir, ""); err != nil {
		t.Fatal(err)
	}
	for _, e := range encodings {
		ci, err := os.Stat(app + e.ext)
		if err != nil {
			t.Fatal(err)
		}
		if ci.ModTime().Before(later) {
			t.Errorf("%s copy dated %v, older than its file's %v", e.ext, ci.ModTime(), later)
		}
		if got := decoded(t, app+e.ext, e); got != text {
			t.Errorf("%s copy changed", e.ext)
		}
	}
}
