package jsonpos_test

import (
	"errors"
	"fmt"

	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func Example() {
	row := []byte(`{"messages":[{"role":"user","content":"Hi \u00e9"},{"role":"assistant","content":"Hello!"}],"role":"x","role":"y"}`)

	var p jsonpos.Parser // reuse one Parser per goroutine
	v, err := p.Parse(row)
	if err != nil {
		panic(err)
	}
	for i, m := range v.Get("messages").Elems() {
		c := m.Get("content")
		fmt.Printf("message %d: role=%s content=%q at [%d,%d)\n", i, m.Get("role").Str(), c.Str(), c.Start(), c.End())
	}
	for _, d := range v.Duplicates() {
		fmt.Printf("duplicate key %s at %d (first at %d)\n", d.Key.Raw(), d.Key.Start(), d.First.Start())
	}
	fmt.Printf("%s\n", v.Path("messages", 0).AppendCanonical(nil))

	_, err = p.Parse([]byte(`{"role":"user",}`))
	var se *jsonpos.SyntaxError
	if errors.As(err, &se) {
		fmt.Printf("syntax error at byte %d: %s\n", se.Offset, se.Msg)
	}
	// Output:
	// message 0: role=user content="Hi é" at [38,49)
	// message 1: role=assistant content="Hello!" at [81,89)
	// duplicate key "role" at 103 (first at 92)
	// {"content":"Hi é","role":"user"}
	// syntax error at byte 15: invalid character '}' looking for beginning of object key string
}
