package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"
	"time"
)

func testSite() fstest.MapFS {
	return fstest.MapFS{
		"index.html":      {Data: []byte("<!doctype html><title>KL</title>")},
		"index.html.br":   {Data: []byte("BR-HTML")},
		"index.html.gz":   {Data: []byte("GZ-HTML")},
		"klplay.wasm":     {Data: []byte("\x00asm\x01\x00\x00\x00")},
		"klplay.wasm.gz":  {Data: []byte("GZ-WASM")},
		"app.js":          {Data: []byte("console.log(1)")},
		"sub/style.css":   {Data: []byte("body{}")},
		".gitkeep":        {Data: nil},
		"vendor/font.bin": {Data: []byte{1, 2, 3}},
	}
}

func get(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHandlerServesFilesWithTypesAndEncodings(t *testing.T) {
	h, err := newHandler(testSite())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		target, accept string
		status         int
		ctype, enc     string
		body           string
	}{
		{"/", "br, gzip", 200, "text/html; charset=utf-8", "br", "BR-HTML"},
		{"/index.html", "gzip, deflate", 200, "text/html; charset=utf-8", "gzip", "GZ-HTML"},
		{"/", "", 200, "text/html; charset=utf-8", "", "<!doctype html><title>KL</title>"},
		{"/", "br;q=0, gzip", 200, "text/html; charset=utf-8", "gzip", "GZ-HTML"},
		{"/", "*", 200, "text/html; charset=utf-8", "br", "BR-HTML"},
		{"/klplay.wasm", "br, gzip", 200, "application/wasm", "gzip", "GZ-WASM"},
		{"/app.js", "br", 200, "text/javascript; charset=utf-8", "", "console.log(1)"},
		{"/sub/style.css", "", 200, "text/css; charset=utf-8", "", "body{}"},
		{"/vendor/font.bin", "", 200, "application/octet-stream", "", "\x01\x02\x03"},
		{"/missing.js", "", 404, "", "", ""},
		{"/.gitkeep", "", 404, "", "", ""},
		{"/../../etc/passwd", "", 404, "", "", ""},
	}
	for _, c := range cases {
		rec := get(t, h, "GET", c.target, map[string]string{"Accept-Encoding": c.accept})
		if rec.Code != c.status {
			t.Errorf("%s (%q): status %d, want %d", c.target, c.accept, rec.Code, c.status)
			continue
		}
		if c.status != 200 {
			continue
		}
		if got := rec.Header().Get("Content-Type"); got != c.ctype {
			t.Errorf("%s: Content-Type %q, want %q", c.target, got, c.ctype)
		}
		if got := rec.Header().Get("Content-Encoding"); got != c.enc {
			t.Errorf("%s (%q): Content-Encoding %q, want %q", c.target, c.accept, got, c.enc)
		}
		if got := rec.Body.String(); got != c.body {
			t.Errorf("%s (%q): body %q, want %q", c.target, c.accept, got, c.body)
		}
		if rec.Header().Get("Vary") != "Accept-Encoding" || rec.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: Vary %q, Cache-Control %q", c.target, rec.Header().Get("Vary"), rec.Header().Get("Cache-Control"))
		}
		if rec.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("%s: no Content-Security-Policy", c.target)
		}
	}
}

func TestHandlerRevalidatesWithETag(t *testing.T) {
	h, err := newHandler(testSite())
	if err != nil {
		t.Fatal(err)
	}
	first := get(t, h, "GET", "/app.js", nil)
	etag := first.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	again := get(t, h, "GET", "/app.js", map[string]string{"If-None-Match": etag})
	if again.Code != http.StatusNotModified {
		t.Errorf("revalidation: status %d, want 304", again.Code)
	}
	br := get(t, h, "GET", "/", map[string]string{"Accept-Encoding": "br"}).Header().Get("ETag")
	plain := get(t, h, "GET", "/", nil).Header().Get("ETag")
	if br == plain {
		t.Errorf("brotli and identity bodies share the ETag %s", br)
	}
}

func TestHandlerRejectsWritesAndServesHead(t *testing.T) {
	h, err := newHandler(testSite())
	if err != nil {
		t.Fatal(err)
	}
	if rec := get(t, h, "POST", "/", nil); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", rec.Code)
	}
	rec := get(t, h, "HEAD", "/app.js", nil)
	if rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("HEAD: status %d, %d body bytes", rec.Code, rec.Body.Len())
	}
}

// A sandboxed iframe has an opaque origin: its module scripts and its fetch of
// the wasm are CORS requests with "Origin: null", which must be allowed.
func TestHandlerAllowsCrossOriginReads(t *testing.T) {
	h, err := newHandler(testSite())
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/", "/app.js", "/klplay.wasm", "/sub/style.css"} {
		rec := get(t, h, "GET", target, map[string]string{"Origin": "null", "Accept-Encoding": "br, gzip"})
		if rec.Code != 200 {
			t.Errorf("%s: status %d", target, rec.Code)
		}
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("%s: Access-Control-Allow-Origin %q, want *", target, got)
		}
		if rec.Header().Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("%s: credentials must not be allowed", target)
		}
	}
	if got := get(t, h, "GET", "/missing.js", nil).Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("404: Access-Control-Allow-Origin %q, want none", got)
	}
}

func TestHandlerSkipsStaleCompressedCopies(t *testing.T) {
	built := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	site := fstest.MapFS{
		"sw.js":    {Data: []byte("edited after the build"), ModTime: built.Add(time.Hour)},
		"sw.js.br": {Data: []byte("BR-STALE"), ModTime: built},
		"sw.js.gz": {Data: []byte("GZ-FRESH"), ModTime: built.Add(2 * time.Hour)},
	}
	h, err := newHandler(site)
	if err != nil {
		t.Fatal(err)
	}
	rec := get(t, h, "GET", "/sw.js", map[string]string{"Accept-Encoding": "br, gzip"})
	if enc, body := rec.Header().Get("Content-Encoding"), rec.Body.String(); enc != "gzip" || body != "GZ-FRESH" {
		t.Errorf("got %q %q, want the fresh gzip copy, never the stale brotli one", enc, body)
	}
	rec = get(t, h, "GET", "/sw.js", map[string]string{"Accept-Encoding": "br"})
	if enc, body := rec.Header().Get("Content-Encoding"), rec.Body.String(); enc != "" || body != "edited after the build" {
		t.Errorf("got %q %q, want the file itself", enc, body)
	}
}
