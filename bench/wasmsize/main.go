// Command wasmsize reports how much of the wasm's code each Go package
// contributes: the body sizes of the code section, attributed to packages by
// the function names of the "name" section.
//
//	go run ./bench/wasmsize [-top 25] [-funcs main] [file.wasm]
//
// With -funcs it also lists the largest functions of that package.
// Without a file it builds ./wasm for GOOS=js GOARCH=wasm without -s (which
// would drop the name section) into a temporary directory. Go's linker writes
// function names with every character other than a letter, digit, '_' or '.'
// replaced by '_' ("syscall/js.Value.Call" becomes "syscall_js.Value.Call"),
// so names are matched against the import paths of ./wasm's dependencies,
// mangled the same way, longest first; the bridge itself is package main.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

func main() {
	top := flag.Int("top", 25, "packages to list, largest first")
	funcs := flag.String("funcs", "", "also list the `package`'s largest functions")
	flag.Parse()
	if err := run(flag.Arg(0), *top, *funcs); err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
}

func run(file string, top int, funcs string) error {
	what := file
	if file == "" {
		what = "./wasm built without -s -w"
		dir, err := os.MkdirTemp("", "wasmsize")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		file = filepath.Join(dir, "klplay.wasm")
		if err := goCmd(nil, "build", "-trimpath", "-o", file, "./wasm"); err != nil {
			return err
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	m, err := parse(b)
	if err != nil {
		return err
	}
	var deps bytes.Buffer
	if err := goCmd(&deps, "list", "-deps", "./wasm"); err != nil {
		return err
	}
	pkgs := strings.Fields(deps.String())
	for i, p := range pkgs {
		if p == "github.com/klplayground/klplay/wasm" {
			pkgs[i] = "main"
		}
	}
	perPkg, perFunc := attribute(m, pkgs)
	report(os.Stdout, what, len(b), m, perPkg, top)
	if funcs != "" {
		fmt.Printf("\nlargest functions of %s:\n", funcs)
		for i, f := range perFunc[funcs] {
			if i == top {
				break
			}
			fmt.Printf("%10.1f  %s\n", float64(f.bytes)/1000, f.name)
		}
	}
	return nil
}

// goCmd runs the go command for GOOS=js GOARCH=wasm, its output to out (nil: stderr).
func goCmd(out *bytes.Buffer, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	cmd.Stderr = os.Stderr
	if out != nil {
		cmd.Stdout = out
	} else {
		cmd.Stdout = os.Stderr
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// module is what the report needs of a wasm binary.
type module struct {
	imported int            // imported functions: they come first in the function index space
	bodies   []int          // code section: body size in bytes of each defined function
	names    map[int]string // name section: function index → name
	code     int            // size of the code section's payload
	sections map[string]int // payload size per section ("code", "data", "custom:name", …)
}

var sectionNames = []string{"custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount"}

// parse reads the sections of a wasm binary (version 1).
func parse(b []byte) (*module, error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, errors.New("not a wasm binary")
	}
	m := &module{names: map[int]string{}, sections: map[string]int{}}
	r := &reader{b: b, i: 8}
	for r.i < len(b) {
		id := r.byte()
		size := int(r.uleb())
		if r.err != nil || r.i+size > len(b) {
			return nil, errors.New("truncated section")
		}
		s := &reader{b: b[r.i : r.i+size]}
		name := "unknown"
		if int(id) < len(sectionNames) {
			name = sectionNames[id]
		}
		switch id {
		case 0:
			name = "custom:" + s.name()
			if name == "custom:name" {
				m.readNames(s)
			}
		case 2:
			m.readImports(s)
		case 10:
			m.code = size
			for n := s.uleb(); n > 0 && s.err == nil; n-- {
				body := int(s.uleb())
				m.bodies = append(m.bodies, body)
				s.i += body
			}
		}
		if s.err != nil {
			return nil, fmt.Errorf("section %s: %w", name, s.err)
		}
		m.sections[name] += size
		r.i += size
	}
	return m, nil
}

func (m *module) readImports(s *reader) {
	for n := s.uleb(); n > 0 && s.err == nil; n-- {
		s.name()
		s.name()
		switch s.byte() {
		case 0: // function: its type index
			s.uleb()
			m.imported++
		case 1: // table: element type and limits
			s.byte()
			s.limits()
		case 2: // memory: limits
			s.limits()
		case 3: // global: value type and mutability
			s.byte()
			s.byte()
		default:
			s.err = errors.New("unknown import kind")
		}
	}
}

func (m *module) readNames(s *reader) {
	for s.i < len(s.b) && s.err == nil {
		id := s.byte()
		size := int(s.uleb())
		if id != 1 { // only the function names
			s.i += size
			continue
		}
		for n := s.uleb(); n > 0 && s.err == nil; n-- {
			idx := int(s.uleb())
			m.names[idx] = s.name()
		}
	}
}

type function struct {
	name  string
	bytes int
}

// attribute sums the body sizes per package: the longest of pkgs whose
// mangled path followed by '.' begins the function's name; "(other)" when
// none does (linker-made functions such as type equality). It also returns
// each package's functions, largest first.
func attribute(m *module, pkgs []string) (map[string]int, map[string][]function) {
	mangle := regexp.MustCompile(`[^\w.]`)
	type prefix struct{ mangled, pkg string }
	prefixes := make([]prefix, len(pkgs))
	for i, p := range pkgs {
		prefixes[i] = prefix{mangle.ReplaceAllString(p, "_") + ".", p}
	}
	sort.Slice(prefixes, func(i, j int) bool { return len(prefixes[i].mangled) > len(prefixes[j].mangled) })
	out, funcs := map[string]int{}, map[string][]function{}
	for i, size := range m.bodies {
		name := m.names[m.imported+i]
		pkg := "(other)"
		for _, p := range prefixes {
			if strings.HasPrefix(name, p.mangled) {
				pkg = p.pkg
				break
			}
		}
		out[pkg] += size
		funcs[pkg] = append(funcs[pkg], function{name, size})
	}
	for _, fs := range funcs {
		sort.Slice(fs, func(i, j int) bool { return fs[i].bytes > fs[j].bytes })
	}
	return out, funcs
}

func report(w *os.File, what string, size int, m *module, perPkg map[string]int, top int) {
	type row struct {
		pkg   string
		bytes int
	}
	rows := make([]row, 0, len(perPkg))
	total := 0
	for p, n := range perPkg {
		rows = append(rows, row{p, n})
		total += n
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].bytes != rows[j].bytes {
			return rows[i].bytes > rows[j].bytes
		}
		return rows[i].pkg < rows[j].pkg
	})
	fmt.Fprintf(w, "%s: %d bytes; code section %d bytes, data section %d bytes, %d functions\n",
		what, size, m.code, m.sections["data"], len(m.bodies))
	fmt.Fprintf(w, "%10s %6s  %s\n", "code KB", "share", "package")
	for i, r := range rows {
		if i >= top && r.pkg != "main" { // the bridge is listed wherever it ranks
			continue
		}
		fmt.Fprintf(w, "%10.1f %5.1f%%  %s\n", float64(r.bytes)/1000, 100*float64(r.bytes)/float64(total), r.pkg)
	}
	fmt.Fprintf(w, "%10.1f %5.1f%%  total (%d packages)\n", float64(total)/1000, 100.0, len(rows))
	fmt.Fprintf(w, "bridge (package main): %.1f KB of code\n", float64(perPkg["main"])/1000)
}

// reader decodes the primitives of the wasm binary format; the first error
// sticks and every later read returns zero.
type reader struct {
	b   []byte
	i   int
	err error
}

func (r *reader) byte() byte {
	if r.err != nil || r.i >= len(r.b) {
		r.fail()
		return 0
	}
	c := r.b[r.i]
	r.i++
	return c
}

func (r *reader) uleb() uint64 {
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		c := r.byte()
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v
		}
	}
	r.fail()
	return 0
}

func (r *reader) name() string {
	n := int(r.uleb())
	if r.err != nil || r.i+n > len(r.b) {
		r.fail()
		return ""
	}
	s := string(r.b[r.i : r.i+n])
	r.i += n
	return s
}

// limits skips a table's or memory's limits: a flag, the minimum, and the
// maximum when the flag's bit 0 is set.
func (r *reader) limits() {
	hasMax := r.byte()&1 != 0
	r.uleb()
	if hasMax {
		r.uleb()
	}
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = errors.New("unexpected end of data")
	}
}
