package mle

// Usable returns family when the data can take it (NewModel accepts it) and
// Normal otherwise: a lab whose reader chose gamma and then pasted negative
// numbers fits a normal instead of failing. Normal takes any data.
func Usable(family string, d *Data) string {
	if _, err := NewModel(family, d); err != nil {
		return Normal
	}
	return family
}
