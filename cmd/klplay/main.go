// Command klplay serves KL Playground: the built site is embedded in the binary,
// so one file copied to a laptop is the whole playground, offline.
//
//	klplay                       # http://127.0.0.1:8080
//	klplay -addr 127.0.0.1:9000
//	klplay -dir dist             # serve a directory instead (development)
package main

import (
	"embed"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"time"
)

// site holds the built site, copied here from dist/ by `make build`.
//
//go:embed all:site
var site embed.FS

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	dir := flag.String("dir", "", "serve this directory instead of the embedded site")
	flag.Parse()

	var fsys fs.FS
	if *dir != "" {
		fsys = os.DirFS(*dir)
	} else {
		sub, err := fs.Sub(site, "site")
		if err != nil {
			log.Fatal(err)
		}
		fsys = sub
	}
	if _, err := fs.Stat(fsys, "index.html"); err != nil {
		log.Fatal("klplay: the site is not built (no index.html); run `make run` or `make build` first")
	}
	h, err := newHandler(fsys)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("KL Playground: http://%s/\n", ln.Addr())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
