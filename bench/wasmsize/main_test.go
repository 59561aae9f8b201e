package main

import "testing"

// section returns a wasm section: its id, its size and its payload.
func section(id byte, payload ...byte) []byte {
	return append([]byte{id, byte(len(payload))}, payload...)
}

func name(s string) []byte { return append([]byte{byte(len(s))}, s...) }

func TestParseAndAttribute(t *testing.T) {
	b := []byte("\x00asm\x01\x00\x00\x00")
	// One imported function, then a memory import: defined functions start at index 1.
	imports := []byte{2}
	imports = append(append(append(imports, name("go")...), name("debug")...), 0, 0)
	imports = append(append(append(imports, name("env")...), name("mem")...), 2, 1, 1, 2)
	b = append(b, section(2, imports...)...)
	// Two bodies of 3 and 5 bytes.
	b = append(b, section(10, 2, 3, 0, 0, 0x0b, 5, 0, 0, 0, 0, 0x0b)...)
	names := []byte{3}
	names = append(append(names, 0), name("go.debug")...)
	names = append(append(names, 1), name("main.newAPI")...)
	names = append(append(names, 2), name("github.com_x_y_core_z.F")...)
	custom := append(name("name"), section(1, names...)...)
	b = append(b, section(0, custom...)...)

	m, err := parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if m.imported != 1 || len(m.bodies) != 2 || m.bodies[1] != 5 || m.names[2] != "github.com_x_y_core_z.F" {
		t.Fatalf("parsed %+v", m)
	}
	perPkg, funcs := attribute(m, []string{"github.com/x/y/core/z", "github.com/x/y/core", "main"})
	if perPkg["main"] != 3 || perPkg["github.com/x/y/core/z"] != 5 || perPkg["github.com/x/y/core"] != 0 {
		t.Errorf("per package %v", perPkg)
	}
	if fs := funcs["main"]; len(fs) != 1 || fs[0].name != "main.newAPI" {
		t.Errorf("functions of main %v", fs)
	}
	if _, err := parse(b[:len(b)-3]); err == nil {
		t.Error("a truncated binary parsed")
	}
	if _, err := parse([]byte("MZ")); err == nil {
		t.Error("not a wasm binary parsed")
	}
}
