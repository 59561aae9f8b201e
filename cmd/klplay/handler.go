package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// file is one servable file with its precompressed variants.
type file struct {
	body      []byte
	encodings map[string][]byte // "br", "gzip"
	etag      string
	ctype     string
}

// handler serves a built site from memory: precompressed brotli or gzip when the
// client accepts it, the right Content-Type (application/wasm for streaming
// compilation), ETags, and caching that always revalidates, so a new build is
// seen on the next load while unchanged files cost a 304.
type handler struct {
	files map[string]*file
}

// securityHeaders go on every response; the policy lets the page run its own
// scripts and compile WebAssembly, and nothing else. Any page may frame it (the
// embeds), a draft opened from a file too: `*` alone admits only http(s) parents.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; frame-ancestors * file:; base-uri 'self'; form-action 'none'",
	"X-Content-Type-Options":  "nosniff",
	"Referrer-Policy":         "no-referrer",
}

func newHandler(fsys fs.FS) (*handler, error) {
	h := &handler{files: map[string]*file{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Base(name) == ".gitkeep" {
			return err
		}
		ext := path.Ext(name)
		if ext == ".br" || ext == ".gz" {
			return nil
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		f := &file{body: body, encodings: map[string][]byte{}, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ctype: contentType(name)}
		info, err := d.Info()
		if err != nil {
			return err
		}
		for enc, suffix := range map[string]string{"br": ".br", "gzip": ".gz"} {
			// A compressed copy older than its file is stale (the file was edited
			// after the build, as in `-dir` development): serve the file instead.
			if ci, err := fs.Stat(fsys, name+suffix); err != nil || ci.ModTime().Before(info.ModTime()) {
				continue
			}
			if b, err := fs.ReadFile(fsys, name+suffix); err == nil {
				f.encodings[enc] = b
			}
		}
		h.files["/"+name] = f
		return nil
	})
	return h, err
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".wasm":
		return "application/wasm"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".webmanifest":
		return "application/manifest+json"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for k, v := range securityHeaders {
		w.Header().Set(k, v)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(r.URL.Path, "/") {
		name = path.Join(name, "index.html")
	}
	f, ok := h.files[name]
	if !ok {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", f.ctype)
	// The site is public and uses no credentials, so any origin may read its
	// files: a page embedded in a sandboxed iframe (an opaque origin, "null")
	// loads its module scripts and the wasm through CORS requests.
	hdr.Set("Access-Control-Allow-Origin", "*")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("Vary", "Accept-Encoding")
	body, etag := f.body, f.etag
	if enc := negotiate(r.Header.Get("Accept-Encoding"), f.encodings); enc != "" {
		body = f.encodings[enc]
		etag = strings.TrimSuffix(etag, `"`) + "-" + enc + `"`
		hdr.Set("Content-Encoding", enc)
	}
	hdr.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// negotiate picks brotli over gzip among the encodings the client accepts
// (q=0 excludes one) and the file has.
func negotiate(accept string, have map[string][]byte) string {
	accepted := map[string]bool{}
	for _, part := range strings.Split(accept, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := strings.ReplaceAll(params, " ", "")
		accepted[strings.ToLower(strings.TrimSpace(name))] = q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	for _, enc := range []string{"br", "gzip"} {
		if _, ok := have[enc]; ok && (accepted[enc] || accepted["*"]) {
			return enc
		}
	}
	return ""
}
