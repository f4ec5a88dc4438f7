package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/ftls-dev/ftls/internal/bytescan/bytescantest"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func mustParse(t testing.TB, s string) Value {
	t.Helper()
	v, err := Parse([]byte(s))
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return v
}

func TestKindString(t *testing.T) {
	want := map[Kind]string{
		Invalid: "invalid", Null: "null", False: "false", True: "true",
		Number: "number", String: "string", Array: "array", Object: "object",
		Kind(200): "invalid",
	}
	for k, s := range want {
		if got := k.String(); got != s {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, s)
		}
	}
}

func TestOffsets(t *testing.T) {
	type want struct {
		path       []any
		kind       Kind
		raw        string
		start, end int
		keyStart   int // -1: not a member
		keyRaw     string
	}
	tests := []struct {
		in    string
		wants []want
	}{
		{`  42 `, []want{{nil, Number, `42`, 2, 4, -1, ""}}},
		{`"é\n"`, []want{{nil, String, `"é\n"`, 0, 6, -1, ""}}},
		{
			// "é" is 2 bytes, "日本" 6 bytes, "😀" 4 bytes.
			`{"é":"日本","k\"ey" : [1, {"😀":null}, "x\u00e9y"], "t":true}`,
			[]want{
				{nil, Object, "", 0, 66, -1, ""},
				{[]any{"é"}, String, `"日本"`, 6, 14, 1, `"é"`},
				{[]any{`k"ey`}, Array, `[1, {"😀":null}, "x\u00e9y"]`, 25, 55, 15, `"k\"ey"`},
				{[]any{`k"ey`, 0}, Number, `1`, 26, 27, -1, ""},
				{[]any{`k"ey`, 1}, Object, `{"😀":null}`, 29, 42, -1, ""},
				{[]any{`k"ey`, 1, "😀"}, Null, `null`, 37, 41, 30, `"😀"`},
				{[]any{`k"ey`, 2}, String, `"x\u00e9y"`, 44, 54, -1, ""},
				{[]any{"t"}, True, `true`, 61, 65, 57, `"t"`},
			},
		},
		{
			"[\n\t[[]],\r\n{}\n]",
			[]want{
				{nil, Array, "[\n\t[[]],\r\n{}\n]", 0, 14, -1, ""},
				{[]any{0}, Array, `[[]]`, 3, 7, -1, ""},
				{[]any{0, 0}, Array, `[]`, 4, 6, -1, ""},
				{[]any{1}, Object, `{}`, 10, 12, -1, ""},
			},
		},
	}
	for _, tt := range tests {
		root := mustParse(t, tt.in)
		for _, w := range tt.wants {
			v := root.Path(w.path...)
			if !v.Exists() {
				t.Errorf("%q: path %v not found", tt.in, w.path)
				continue
			}
			raw := w.raw
			if raw == "" {
				raw = tt.in[w.start:w.end]
			}
			if v.Kind() != w.kind || v.Start() != w.start || v.End() != w.end || string(v.Raw()) != raw {
				t.Errorf("%q: path %v = %v [%d,%d) %q, want %v [%d,%d) %q",
					tt.in, w.path, v.Kind(), v.Start(), v.End(), v.Raw(), w.kind, w.start, w.end, raw)
			}
			k := v.Key()
			if w.keyStart < 0 {
				if k.Exists() {
					t.Errorf("%q: path %v has key %q, want none", tt.in, w.path, k.Raw())
				}
				continue
			}
			if k.Start() != w.keyStart || k.End() != w.keyStart+len(w.keyRaw) || string(k.Raw()) != w.keyRaw {
				t.Errorf("%q: path %v key [%d,%d) %q, want [%d,%d) %q",
					tt.in, w.path, k.Start(), k.End(), k.Raw(), w.keyStart, w.keyStart+len(w.keyRaw), w.keyRaw)
			}
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	deep := strings.Repeat("[", 100000)
	tests := []struct {
		in     string
		offset int
		msg    string
	}{
		{``, 0, "unexpected end of input looking for beginning of value"},
		{`   `, 3, "unexpected end of input looking for beginning of value"},
		{`{"a":1 "b":2}`, 7, `invalid character '"' after object key:value pair`},
		{`[1 2]`, 3, "invalid character '2' after array element"},
		{`[1,]`, 3, "invalid character ']' looking for beginning of value"},
		{`{"a":1,}`, 7, "invalid character '}' looking for beginning of object key string"},
		{`{"a" 1}`, 5, "invalid character '1' after object key"},
		{`{"a":}`, 5, "invalid character '}' looking for beginning of value"},
		{`{1:2}`, 1, "invalid character '1' looking for beginning of object key string"},
		{`"abc`, 4, "unexpected end of input in string literal"},
		{`{"a":"abc`, 9, "unexpected end of input in string literal"},
		{`"a\x"`, 3, "invalid character 'x' in string escape code"},
		{`"a\u12g4"`, 6, `invalid character 'g' in \u hexadecimal character escape`},
		{`"a\u12`, 6, `unexpected end of input in \u hexadecimal character escape`},
		{`"a\`, 3, "unexpected end of input in string escape code"},
		{"\"ab\tc\"", 3, `invalid character '\t' in string literal`},
		{"\"0123456789abcdef0123456789abcdef0123456789\x01\"", 43, `invalid character '\x01' in string literal`},
		{"\"ab\nc\"", 3, `invalid character '\n' in string literal`},
		{"[1,\x00]", 3, `invalid character '\x00' looking for beginning of value`},
		{"[1\x00]", 2, `invalid character '\x00' after array element`},
		{"1 \x00", 2, `invalid character '\x00' after top-level value`},
		{`{"a":1} x`, 8, "invalid character 'x' after top-level value"},
		{`1 2`, 2, "invalid character '2' after top-level value"},
		{`01`, 1, "invalid character '1' after top-level value"},
		{`-`, 1, "unexpected end of input in numeric literal"},
		{`-a`, 1, "invalid character 'a' in numeric literal"},
		{`1.`, 2, "unexpected end of input after decimal point in numeric literal"},
		{`1.e5`, 2, "invalid character 'e' after decimal point in numeric literal"},
		{`1e`, 2, "unexpected end of input in exponent of numeric literal"},
		{`1e+`, 3, "unexpected end of input in exponent of numeric literal"},
		{`[1e+x]`, 4, "invalid character 'x' in exponent of numeric literal"},
		{`+1`, 0, "invalid character '+' looking for beginning of value"},
		{`.5`, 0, "invalid character '.' looking for beginning of value"},
		{`tru`, 3, "unexpected end of input in literal true"},
		{`trUe`, 2, "invalid character 'U' in literal true (expecting 'u')"},
		{`[nul]`, 4, "invalid character ']' in literal null (expecting 'l')"},
		{`fals`, 4, "unexpected end of input in literal false"},
		{`[1`, 2, "unexpected end of input in array"},
		{`{"a":1`, 6, "unexpected end of input in object"},
		{`{"a"`, 4, "unexpected end of input after object key"},
		{`{`, 1, "unexpected end of input looking for beginning of object key string"},
		{`{"a":[}`, 6, "invalid character '}' looking for beginning of value"},
		{`[}`, 1, "invalid character '}' looking for beginning of value"},
		{`[1}`, 2, "invalid character '}' after array element"},
		{`{"a":1]`, 6, "invalid character ']' after object key:value pair"},
		{"\xef\xbb\xbf{}", 0, `invalid character '\ufeff' looking for beginning of value`},
		{"[\xff]", 1, `invalid character '\xff' looking for beginning of value`},
		{"[é]", 1, `invalid character 'é' looking for beginning of value`},
		{`'a'`, 0, `invalid character '\'' looking for beginning of value`},
		{deep, 1000, "nesting deeper than 1000 levels"},
		{strings.Repeat(`{"a":`, 1001), 5000, "nesting deeper than 1000 levels"},
		{strings.Repeat("[", 1000) + strings.Repeat("]", 999), 1999, "unexpected end of input in array"},
	}
	for _, tt := range tests {
		v, err := Parse([]byte(tt.in))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%.40q) = %v, %v; want SyntaxError", tt.in, v.Kind(), err)
			continue
		}
		if v.Exists() {
			t.Errorf("Parse(%.40q) returned a value with an error", tt.in)
		}
		if se.Offset != tt.offset || se.Msg != tt.msg || se.Error() != tt.msg {
			t.Errorf("Parse(%.40q) error at %d %q, want at %d %q", tt.in, se.Offset, se.Msg, tt.offset, tt.msg)
		}
		if len(tt.in) < 10000 {
			checkDoc(t, []byte(tt.in))
		}
	}
}

func TestMaxDepth(t *testing.T) {
	ok := strings.Repeat("[", 1000) + strings.Repeat("]", 1000)
	if _, err := Parse([]byte(ok)); err != nil {
		t.Errorf("1000 levels: %v", err)
	}
	p := Parser{MaxDepth: 3}
	if _, err := p.Parse([]byte(`[{"a":[1]}]`)); err != nil {
		t.Errorf("MaxDepth 3, 3 levels: %v", err)
	}
	_, err := p.Parse([]byte(`[{"a":[[1]]}]`))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Offset != 7 || se.Msg != "nesting deeper than 3 levels" {
		t.Errorf("MaxDepth 3, 4 levels: %v", err)
	}
	p = Parser{MaxDepth: 200000}
	deep := strings.Repeat("[", 100000) + "1" + strings.Repeat("]", 100000)
	v, err := p.Parse([]byte(deep))
	if err != nil {
		t.Fatalf("MaxDepth 200000, 100000 levels: %v", err)
	}
	for range 99999 {
		v = v.Index(0)
	}
	if got := v.Index(0).Raw(); string(got) != "1" || v.Start() != 99999 {
		t.Errorf("innermost value %q at %d", got, v.Start())
	}
	if c := v.AppendCanonical(nil); string(c) != "[1]" {
		t.Errorf("canonical of innermost array = %q", c)
	}
}

func TestStr(t *testing.T) {
	tests := []struct{ in, want string }{
		{`""`, ""},
		{`"plain ascii"`, "plain ascii"},
		{`"héllo wörld 日本 😀"`, "héllo wörld 日本 😀"},
		{`"\"\\\/\b\f\n\r\t"`, "\"\\/\b\f\n\r\t"},
		{`"\u0041\u00e9\u65E5"`, "Aé日"},
		{`"\ud83d\ude00"`, "😀"},
		{`"\uD83D\uDE00x"`, "😀x"},
		{`"\ud83d"`, "\ufffd"},
		{`"\ude00\ud83d"`, "\ufffd\ufffd"},
		{`"\ud83dx"`, "\ufffdx"},
		{`"\ud83d\u0041"`, "\ufffdA"},
		{`"\ud83d\ud83d\ude00"`, "\ufffd😀"},
		{`"\u0000"`, "\x00"},
		{`"a\u2028b"`, "a\u2028b"},
		{"\"\xff\xfe\"", "\xff\xfe"}, // invalid UTF-8 is kept as is
	}
	for _, tt := range tests {
		v := mustParse(t, tt.in)
		if got := v.Str(); got != tt.want {
			t.Errorf("Str(%s) = %q, want %q", tt.in, got, tt.want)
		}
		if got := v.StrBytes(); string(got) != tt.want {
			t.Errorf("StrBytes(%s) = %q, want %q", tt.in, got, tt.want)
		}
		if got := v.AppendStr([]byte("x")); string(got) != "x"+tt.want {
			t.Errorf("AppendStr(%s) = %q, want %q", tt.in, got, "x"+tt.want)
		}
		if !v.StrEqual(tt.want) || v.StrEqual(tt.want+"x") {
			t.Errorf("StrEqual(%s) wrong", tt.in)
		}
		if v.HasEscapes() != strings.Contains(tt.in, `\`) {
			t.Errorf("HasEscapes(%s) = %v", tt.in, v.HasEscapes())
		}
		checkDoc(t, []byte(tt.in))
	}
	// Str of other kinds.
	for _, in := range []string{`1`, `null`, `[]`, `{}`, `true`} {
		v := mustParse(t, in)
		if v.Str() != "" || v.StrBytes() != nil || v.StrEqual("") {
			t.Errorf("Str(%s) not empty", in)
		}
	}
}

func TestScalars(t *testing.T) {
	v := mustParse(t, `[true,false,null,-1.5e3,12345678901234567890,1e999,"x",0]`)
	if b, ok := v.Index(0).Bool(); !b || !ok {
		t.Error("Bool(true)")
	}
	if b, ok := v.Index(1).Bool(); b || !ok {
		t.Error("Bool(false)")
	}
	if _, ok := v.Index(2).Bool(); ok {
		t.Error("Bool(null)")
	}
	if f, ok := v.Index(3).Float(); f != -1500 || !ok {
		t.Errorf("Float(-1.5e3) = %v, %v", f, ok)
	}
	if i, ok := v.Index(3).Int(); ok {
		t.Errorf("Int(-1.5e3) = %v, %v", i, ok)
	}
	if f, ok := v.Index(4).Float(); f != 12345678901234567890 || !ok {
		t.Errorf("Float(big) = %v, %v", f, ok)
	}
	if _, ok := v.Index(4).Int(); ok {
		t.Error("Int(big) ok")
	}
	if f, ok := v.Index(5).Float(); !math.IsInf(f, 1) || ok {
		t.Errorf("Float(1e999) = %v, %v", f, ok)
	}
	if _, ok := v.Index(6).Float(); ok {
		t.Error(`Float("x") ok`)
	}
	if i, ok := v.Index(7).Int(); i != 0 || !ok {
		t.Errorf("Int(0) = %v, %v", i, ok)
	}
	if v.Len() != 8 || v.Index(8).Exists() || v.Index(-1).Exists() || v.Index(0).Len() != 0 {
		t.Error("Len/Index bounds")
	}
}

func TestNavigation(t *testing.T) {
	in := `{"messages":[{"role":"system","content":"a"},{"role":"user","content":"b"}],"a\u0062":1,"ab":2,"":3}`
	v := mustParse(t, in)
	if v.Kind() != Object || v.Len() != 4 {
		t.Fatalf("root %v len %d", v.Kind(), v.Len())
	}
	if got := v.Path("messages", 1, "role").Str(); got != "user" {
		t.Errorf(`Path(messages,1,role) = %q`, got)
	}
	if v.Path("messages", 2, "role").Exists() || v.Path("messages", "x").Exists() || v.Path(1.5).Exists() {
		t.Error("missing paths exist")
	}
	if got := v.Get("ab").Raw(); string(got) != "1" {
		t.Errorf(`Get("ab") = %s, want the first member (escaped key)`, got)
	}
	if got := v.Get("").Raw(); string(got) != "3" {
		t.Errorf(`Get("") = %s`, got)
	}
	if v.Get("a").Exists() || v.Get("abc").Exists() || v.Index(0).Exists() {
		t.Error("Get of missing key exists")
	}
	var zero Value
	if zero.Exists() || zero.Kind() != Invalid || zero.Get("a").Exists() || zero.Len() != 0 ||
		zero.Raw() != nil || zero.AppendCanonical(nil) != nil || zero.Duplicates() != nil || zero.Key().Exists() {
		t.Error("zero Value misbehaves")
	}
	var keys []string
	for k, m := range v.Members() {
		keys = append(keys, k.Name())
		if !k.Equal(k.Name()) || k.Value() != m {
			t.Errorf("key %q misbehaves", k.Raw())
		}
		if k.HasEscapes() != bytes.Contains(k.Raw(), []byte(`\`)) {
			t.Errorf("key %q HasEscapes = %v", k.Raw(), k.HasEscapes())
		}
		if raw, ok := k.RawName(); ok == k.HasEscapes() || ok && string(raw) != k.Name() {
			t.Errorf("key %q RawName = %q, %v", k.Raw(), raw, ok)
		}
	}
	if want := []string{"messages", "ab", "ab", ""}; !reflect.DeepEqual(keys, want) {
		t.Errorf("Members keys = %q, want %q", keys, want)
	}
	var roles []string
	for i, m := range v.Get("messages").Elems() {
		if m != v.Get("messages").Index(i) {
			t.Errorf("Elems index %d", i)
		}
		roles = append(roles, m.Get("role").Str())
	}
	if want := []string{"system", "user"}; !reflect.DeepEqual(roles, want) {
		t.Errorf("roles = %q", roles)
	}
	// Early break from iterators.
	for range v.Members() {
		break
	}
	for range v.Get("messages").Elems() {
		break
	}
}

func TestDuplicates(t *testing.T) {
	in := `{"a":1,"b":{"x":1,"y":2,"x":3,"x":4},"a":[{"k":1,"\u006b":2}],"c":{}}`
	v := mustParse(t, in)
	dups := v.Duplicates()
	type dup struct {
		key, first string
		keyAt, at  int
		obj        int
	}
	want := []dup{
		{`"x"`, `"x"`, 24, 12, 11},
		{`"x"`, `"x"`, 30, 12, 11},
		{`"a"`, `"a"`, 37, 1, 0},
		{`"\u006b"`, `"k"`, 49, 43, 42},
	}
	var got []dup
	for _, d := range dups {
		got = append(got, dup{string(d.Key.Raw()), string(d.First.Raw()), d.Key.Start(), d.First.Start(), d.Object.Start()})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Duplicates:\n got %+v\nwant %+v", got, want)
	}
	// On a subtree.
	if d := v.Get("b").Duplicates(); len(d) != 2 {
		t.Errorf("Duplicates of b: %d", len(d))
	}
	if d := v.Get("c").Duplicates(); d != nil {
		t.Errorf("Duplicates of c: %v", d)
	}
	// Large objects use a map.
	var sb strings.Builder
	sb.WriteString("[1,{")
	for i := range 100 {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`"k`)
		sb.WriteByte(byte('0' + i%40))
		sb.WriteString(`":0`)
	}
	sb.WriteString("}]")
	v = mustParse(t, sb.String())
	if d := v.Duplicates(); len(d) != 60 {
		t.Errorf("big object: %d duplicates, want 60", len(d))
	}
	checkDoc(t, []byte(sb.String()))
}

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{` { "b" : [ 1 , 2.50 , -0 ] , "a" : { } , "c":[ ] } `, `{"a":{},"b":[1,2.50,-0],"c":[]}`},
		{`{"a":1,"a":2}`, `{"a":2}`},
		{`{"b":1,"\u0061":2,"a":{"z":null,"y":true}}`, `{"a":{"y":true,"z":null},"b":1}`},
		{`"\u0041\n\"\\\/\u001f\u007f\u00e9<>&"`, "\"A\\n\\\"\\\\/\\u001f\u007fé<>&\""},
		{`"\b\f\r\t\u0001"`, `"\b\f\r\t\u0001"`},
		{"\"\xff\\u00e9\"", "\"\xffé\""},
		{`{"é":1,"e":2,"z":3,"":4}`, `{"":4,"e":2,"z":3,"é":1}`},
		{`1E+2`, `1E+2`},
	}
	for _, tt := range tests {
		got := mustParse(t, tt.in).AppendCanonical([]byte("x"))
		if string(got) != "x"+tt.want {
			t.Errorf("AppendCanonical(%s) = %s, want %s", tt.in, got[1:], tt.want)
		}
		checkDoc(t, []byte(tt.in))
	}

	// Pairs that encoding/json decodes to equal values have equal
	// canonical forms, and vice versa.
	pairs := []struct {
		a, b  string
		equal bool
	}{
		{`{"a":[1,{"x":"y"}],"b":null}`, "{\n  \"b\": null,\n  \"a\": [ 1, { \"x\": \"\\u0079\" } ]\n}", true},
		{`{"a":1,"a":2}`, `{"a":2}`, true},
		{`"\ud800"`, `"\ufffd"`, true},
		{`"<&>"`, `"\u003c\u0026\u003e"`, true},
		{`"😀"`, `"\ud83d\ude00"`, true},
		{`{"a":1}`, `{"a":1.0}`, false},
		{`[1,2]`, `[2,1]`, false},
		{`{"a":{"b":1}}`, `{"a":{"b":1,"c":2}}`, false},
		{`""`, `null`, false},
	}
	for _, tt := range pairs {
		ca := mustParse(t, tt.a).AppendCanonical(nil)
		cb := mustParse(t, tt.b).AppendCanonical(nil)
		if bytes.Equal(ca, cb) != tt.equal {
			t.Errorf("canonical(%s) = %s, canonical(%s) = %s, want equal=%v", tt.a, ca, tt.b, cb, tt.equal)
		}
		if stdEqual(t, tt.a, tt.b) != tt.equal {
			t.Errorf("encoding/json disagrees on %s vs %s", tt.a, tt.b)
		}
	}
}

func stdEqual(t *testing.T, a, b string) bool {
	va, err := decodeStd([]byte(a))
	if err != nil {
		t.Fatal(err)
	}
	vb, err := decodeStd([]byte(b))
	if err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(va, vb)
}

func TestAppendQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"abc", `"abc"`},
		{"a\"b\\c/", `"a\"b\\c/"`},
		{"\n\r\t\b\f\x00\x1f\x7f", `"\n\r\t\b\f\u0000\u001f` + "\x7f\""},
		{"<&> é \u2028 😀", "\"<&> é \u2028 😀\""},
		{"\xff", "\"\xff\""},
	}
	for _, tt := range tests {
		got := AppendQuote([]byte("x"), tt.in)
		if string(got) != "x"+tt.want {
			t.Errorf("AppendQuote(%q) = %s, want %s", tt.in, got[1:], tt.want)
		}
		if utf8.ValidString(tt.in) {
			var s string
			if err := json.Unmarshal(got[1:], &s); err != nil || s != tt.in {
				t.Errorf("AppendQuote(%q) does not round-trip: %q, %v", tt.in, s, err)
			}
		}
		v := mustParse(t, string(got[1:]))
		if v.Str() != tt.in {
			t.Errorf("AppendQuote(%q) parses back as %q", tt.in, v.Str())
		}
	}
}

// TestAgreement checks a table of inputs against encoding/json.
func TestAgreement(t *testing.T) {
	for _, in := range agreementInputs {
		checkDoc(t, []byte(in))
	}
	checkDoc(t, []byte(chatRow))
}

var agreementInputs = []string{
	``, ` `, `null`, `true`, `false`, `0`, `-0`, `1`, `-1`, `1.5`, `-1.5e10`, `1E-7`, `1e+7`,
	`123456789012345678901234567890`, strings.Repeat("9", 400), `1e999999`, `-1e999999`, `1e-999999`,
	`0.000000000000000000000000000000001`, `00`, `-01`, `1.`, `.1`, `1e`, `1e+`, `--1`, `+1`, `0x10`,
	`Infinity`, `NaN`, `nul`, `nulll`, `truefalse`, `""`, `"a"`, `"\u0000"`, `"\uDFFF"`, `"\uD800\uDC00"`,
	`"\x"`, `"\u"`, `"\u123"`, `"\U1234"`, `"\'"`, "\"\x7f\"", "\"\x1f\"", "\"\t\"", `"\/"`,
	`[]`, `[ ]`, `[1,2,3]`, `[1,,2]`, `[,1]`, `[1,]`, `[[[]]]`, `[[[]]`, `[]]`, `{}`, `{ }`,
	`{"a":1}`, `{"a" : 1 , "b" : [ ] }`, `{"a":1,}`, `{,}`, `{"a"}`, `{"a":}`, `{:1}`, `{"a":1 "b":2}`,
	`{"a":{"b":{"c":[1,{"d":null}]}}}`, `{"a":1}}`, `{"a":1]`, `[1}`, `{'a':1}`, `{a:1}`,
	" \t\r\n[ \t\r\n1 \t\r\n] \t\r\n", "\v1", "\f1", "1\u00a0", "\xef\xbb\xbf1", "[1]\x00",
	`{"é":"日本😀","k":"\ud83d\ude00"}`, "\"\xff\xfe\"", "{\"\xff\":1,\"\xfe\":2}", "[\"\xc3\"]",
	`{"a":1,"a":2,"b":{"a":3,"a":4}}`, `{"a":[1,2],"a":{"x":1}}`,
	strings.Repeat("[", 999) + strings.Repeat("]", 999),
	strings.Repeat("[", 1001) + strings.Repeat("]", 1001),
	strings.Repeat(`{"a":`, 1001) + "1" + strings.Repeat("}", 1001),
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	`"` + strings.Repeat(`a\n\"é`, 100) + `"`,
	`"` + strings.Repeat("abcdefgh", 10) + "\x01" + `"`,
	`"` + strings.Repeat("abcdefgh", 10) + `\q"`,
	`"` + strings.Repeat("abcdefgh", 10),
	`"` + strings.Repeat("abcdefgh", 10) + `\u00`,
}

// stdMaxDepth is encoding/json's nesting limit; comparisons with
// encoding/json use a Parser with this MaxDepth.
const stdMaxDepth = 10000

func decodeStd(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, err
	}
	return x, nil
}

// checkDoc parses data and checks the result against encoding/json and
// the package's own invariants.
// checkDoc holds Parse's results on data to encoding/json's and to its
// own, with each of the string scanners this machine can run.
func checkDoc(t testing.TB, data []byte) {
	t.Helper()
	for _, fast := range bytescantest.Modes() {
		func() {
			defer bytescantest.Set(fast)()
			checkDocWith(t, data)
		}()
	}
}

func checkDocWith(t testing.TB, data []byte) {
	t.Helper()
	orig := bytes.Clone(data)
	defer func() {
		if !bytes.Equal(orig, data) {
			t.Fatalf("input modified")
		}
	}()

	// Default parser vs a parser with encoding/json's depth limit.
	v0, err0 := Parse(data)
	p := Parser{MaxDepth: stdMaxDepth}
	v, err := p.Parse(data)
	if err0 != nil {
		var se *SyntaxError
		if !errors.As(err0, &se) {
			t.Fatalf("%.60q: error %T is not a *SyntaxError", data, err0)
		}
		if strings.HasPrefix(se.Msg, "nesting deeper") {
			if data[se.Offset] != '[' && data[se.Offset] != '{' {
				t.Fatalf("%.60q: depth error at %d, not a bracket", data, se.Offset)
			}
		} else if err == nil || err.Error() != err0.Error() || err.(*SyntaxError).Offset != se.Offset {
			t.Fatalf("%.60q: default parser: %v; MaxDepth %d: %v", data, err0, stdMaxDepth, err)
		}
	} else if err != nil || v0.End() != v.End() {
		t.Fatalf("%.60q: default parser ok; MaxDepth %d: %v", data, stdMaxDepth, err)
	}
	if err == nil {
		checkUTF8Tally(t, &p, data)
	}

	// Acceptance and error offsets agree with encoding/json.
	valid := json.Valid(data)
	if (err == nil) != valid {
		t.Fatalf("%.60q: Parse error %v, json.Valid %v", data, err, valid)
	}
	if err != nil {
		se := err.(*SyntaxError)
		var x any
		var stdErr *json.SyntaxError
		if !errors.As(json.Unmarshal(data, &x), &stdErr) {
			t.Fatalf("%.60q: encoding/json gives no SyntaxError", data)
		}
		wantOff := stdErr.Offset - 1 // encoding/json counts the offending byte
		if se.Offset == len(data) {
			wantOff = int64(len(data))
		}
		if int64(se.Offset) != wantOff {
			t.Fatalf("%.60q: error at %d (%s), encoding/json at %d (%s)", data, se.Offset, se.Msg, stdErr.Offset, stdErr)
		}
		if se.Offset < len(data) && data[se.Offset] < utf8.RuneSelf && strings.HasPrefix(stdErr.Error(), "invalid character") &&
			!strings.Contains(stdErr.Error(), "max depth") && se.Msg != stdErr.Error() {
			t.Fatalf("%.60q: message %q, encoding/json %q", data, se.Msg, stdErr.Error())
		}
		if v.Exists() {
			t.Fatalf("%.60q: value returned with error", data)
		}
		return
	}

	validUTF8 := utf8.Valid(data)
	// Duplicates: sorted, consistent; counted per object by checkValue.
	dupCount := map[Value]int{}
	prev := -1
	for _, d := range v.Duplicates() {
		if d.Key.Start() <= prev {
			t.Fatalf("%.60q: duplicates not sorted", data)
		}
		prev = d.Key.Start()
		if d.Key.Name() != d.First.Name() || d.First.Start() >= d.Key.Start() || d.Object.Kind() != Object {
			t.Fatalf("%.60q: bad duplicate %q / %q", data, d.Key.Raw(), d.First.Raw())
		}
		if d.First.Value() != d.Object.Get(d.Key.Name()) {
			t.Fatalf("%.60q: duplicate's First is not the first member", data)
		}
		dupCount[d.Object]++
	}
	checkValue(t, data, v, validUTF8, dupCount)

	// Canonical form: valid, idempotent, same data as the input.
	c := v.AppendCanonical(nil)
	if !json.Valid(c) {
		t.Fatalf("%.60q: canonical form %.60q is not valid JSON", data, c)
	}
	var p2 Parser
	p2.MaxDepth = stdMaxDepth
	cv, err := p2.Parse(c)
	if err != nil {
		t.Fatalf("%.60q: canonical form %.60q: %v", data, c, err)
	}
	if c2 := cv.AppendCanonical(nil); !bytes.Equal(c, c2) {
		t.Fatalf("%.60q: canonical form not idempotent: %.60q then %.60q", data, c, c2)
	}
	if cv.Duplicates() != nil {
		t.Fatalf("%.60q: canonical form has duplicates", data)
	}
	if validUTF8 {
		x, err := decodeStd(data)
		if err != nil {
			t.Fatalf("%.60q: encoding/json: %v", data, err)
		}
		y, err := decodeStd(c)
		if err != nil {
			t.Fatalf("%.60q: encoding/json on canonical: %v", data, err)
		}
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("%.60q: canonical form %.60q decodes differently", data, c)
		}
		// Another encoding of the same data has the same canonical form.
		m, err := json.Marshal(x)
		if err != nil {
			t.Fatalf("%.60q: json.Marshal: %v", data, err)
		}
		mv, err := p2.Parse(m)
		if err != nil {
			t.Fatalf("%.60q: json.Marshal output %.60q: %v", data, m, err)
		}
		if cm := mv.AppendCanonical(nil); !bytes.Equal(cm, c) {
			t.Fatalf("%.60q: canonical %.60q, canonical of json.Marshal %.60q", data, c, cm)
		}
	}
}

// checkValue checks v and its descendants.
func checkValue(t testing.TB, data []byte, v Value, validUTF8 bool, dupCount map[Value]int) {
	s, e := v.Start(), v.End()
	if s < 0 || s > e || e > len(data) {
		t.Fatalf("%.60q: bad span [%d,%d)", data, s, e)
	}
	raw := v.Raw()
	if !bytes.Equal(raw, data[s:e]) || len(raw) == 0 {
		t.Fatalf("%.60q: Raw %.60q of [%d,%d)", data, raw, s, e)
	}
	// Containers are checked through their children (checking them as a
	// whole would be quadratic in the nesting depth).
	if c := raw[0]; c == '[' && raw[len(raw)-1] != ']' || c == '{' && raw[len(raw)-1] != '}' ||
		c != '[' && c != '{' && !json.Valid(raw) {
		t.Fatalf("%.60q: Raw %.60q of [%d,%d) is not a valid value", data, raw, s, e)
	}
	first := map[byte]Kind{'n': Null, 'f': False, 't': True, '"': String, '[': Array, '{': Object}
	wantKind, ok := first[raw[0]]
	if !ok {
		wantKind = Number
	}
	if v.Kind() != wantKind {
		t.Fatalf("%.60q: kind %v at %d, want %v", data, v.Kind(), s, wantKind)
	}
	switch v.Kind() {
	case String:
		if e, seqs := plainEscapes(raw); v.Escapes() != e || v.UTF8Seqs() != seqs || v.HasEscapes() != (e != 0) {
			t.Fatalf("%.60q: string %.60q: escapes %b, UTF-8 sequences %b, want %b, %b", data, raw, v.Escapes(), v.UTF8Seqs(), e, seqs)
		}
		if validUTF8 {
			var want string
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			if got := v.Str(); got != want {
				t.Fatalf("%.60q: Str %q, encoding/json %q", data, got, want)
			}
		}
		if !v.StrEqual(v.Str()) || string(v.StrBytes()) != v.Str() {
			t.Fatalf("%.60q: StrEqual/StrBytes disagree with Str", data)
		}
	case Number:
		var want float64
		stdErr := json.Unmarshal(raw, &want)
		got, ok := v.Float()
		if ok != (stdErr == nil) || (ok && got != want) {
			t.Fatalf("%.60q: Float %v %v, encoding/json %v %v", data, got, ok, want, stdErr)
		}
	case Array:
		n := 0
		for i, el := range v.Elems() {
			if i != n || el != v.Index(i) || el.Key().Exists() {
				t.Fatalf("%.60q: Elems/Index mismatch at %d", data, i)
			}
			if el.Start() < s || el.End() > e {
				t.Fatalf("%.60q: element outside its array", data)
			}
			checkValue(t, data, el, validUTF8, dupCount)
			n++
		}
		if n != v.Len() {
			t.Fatalf("%.60q: Len %d, %d elements", data, v.Len(), n)
		}
	case Object:
		n := 0
		firstOf := map[string]Key{}
		var wantDups int
		prevEnd := s
		for k, m := range v.Members() {
			ks, ke := k.Start(), k.End()
			if ks < prevEnd || ks >= ke || ke > m.Start() || m.End() > e {
				t.Fatalf("%.60q: member spans out of order", data)
			}
			prevEnd = m.End()
			kraw := k.Raw()
			if !bytes.Equal(kraw, data[ks:ke]) || kraw[0] != '"' || kraw[len(kraw)-1] != '"' || !json.Valid(kraw) {
				t.Fatalf("%.60q: bad key token %q", data, kraw)
			}
			name := k.Name()
			if validUTF8 {
				var want string
				if err := json.Unmarshal(kraw, &want); err != nil || name != want {
					t.Fatalf("%.60q: key Name %q, encoding/json %q", data, name, want)
				}
			}
			if !k.Equal(name) || m.Key() != k {
				t.Fatalf("%.60q: key %q misbehaves", data, kraw)
			}
			if f, ok := firstOf[name]; ok {
				wantDups++
				if g := v.Get(name); g != f.Value() {
					t.Fatalf("%.60q: Get(%q) is not the first member", data, name)
				}
			} else {
				firstOf[name] = k
				if g := v.Get(name); g != m {
					t.Fatalf("%.60q: Get(%q) is not the first member", data, name)
				}
			}
			checkValue(t, data, m, validUTF8, dupCount)
			n++
		}
		if n != v.Len() {
			t.Fatalf("%.60q: Len %d, %d members", data, v.Len(), n)
		}
		// Get2 finds the first member of each name, as Get does.
		if len(firstOf) <= 16 {
			for a, ka := range firstOf {
				for b, kb := range firstOf {
					if ga, gb := v.Get2(a, b); ga != ka.Value() || gb != kb.Value() {
						t.Fatalf("%.60q: Get2(%q, %q) differs from Get", data, a, b)
					}
				}
				if ga, gb := v.Get2(a, a+"\x00"); ga != ka.Value() || gb.Exists() {
					t.Fatalf("%.60q: Get2(%q, missing) differs from Get", data, a)
				}
			}
		}
		if got := dupCount[v]; got != wantDups {
			t.Fatalf("%.60q: %d duplicates in object at %d, want %d", data, got, s, wantDups)
		}
	}
}

func TestReuseNoAllocs(t *testing.T) {
	data := []byte(chatRow)
	var p Parser
	if _, err := p.Parse(data); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		v, err := p.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		if v.Path("messages", 0, "role").StrEqual("x") || !v.Get("metadata").Exists() {
			t.Fatal("bad parse")
		}
	})
	if allocs != 0 {
		t.Errorf("steady-state Parse allocates %v times", allocs)
	}
	// A failed parse keeps the parser usable.
	if _, err := p.Parse([]byte(`[1,`)); err == nil {
		t.Fatal("no error")
	}
	v, err := p.Parse([]byte(`[1]`))
	if err != nil || v.Index(0).Start() != 1 {
		t.Fatal("parser unusable after error")
	}
}

func FuzzParse(f *testing.F) {
	for _, in := range agreementInputs {
		if len(in) < 4096 {
			f.Add([]byte(in))
		}
	}
	f.Add([]byte(chatRow))
	f.Add([]byte(`{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello\n\"there\""}]}`))
	f.Add([]byte(`{"a":{"a":1,"b":2,"a":3},"\u0061":[true,false,null,-0.5e-3]}`))
	f.Add([]byte(`["\ud83d\ude00","\udc00\ud800","\u00e9\u0000"]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDoc(t, data)
	})
}

// checkUTF8Tally holds what the parser learned about the encoding of data
// to a separate pass over it.
func checkUTF8Tally(t testing.TB, p *Parser, data []byte) {
	t.Helper()
	units, invalid := p.UTF8()
	wantInvalid := -1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			wantInvalid = i
			break
		}
		i += size
	}
	if invalid != wantInvalid {
		t.Fatalf("%.60q: first invalid UTF-8 byte at %d, want %d", data, invalid, wantInvalid)
	}
	if want := len(utf16.Encode([]rune(string(data)))); invalid < 0 && units != want {
		t.Fatalf("%.60q: %d UTF-16 units, want %d", data, units, want)
	}
	if got, want := p.HasLoneSurrogate(), LoneSurrogates(data, 1) != nil; got != want {
		t.Fatalf("%.60q: HasLoneSurrogate %v, LoneSurrogates finds one: %v", data, got, want)
	}
}

// plainEscapes walks the escapes of a string's source and returns their
// set, and the lengths of its UTF-8 sequences (bit 1 for invalid bytes).
func plainEscapes(raw []byte) (e Escapes, seqs uint8) {
	for i := 0; i < len(raw); i++ {
		if raw[i] == '\\' {
			i++
			e |= escBits[raw[i]]
		}
	}
	for i := 0; i < len(raw); {
		r, n := utf8.DecodeRune(raw[i:])
		if r >= utf8.RuneSelf {
			seqs |= 1 << n
		}
		i += n
	}
	return e, seqs
}

// TestStringBoundaries moves special bytes across the word and block
// boundaries of the string scanner.
func TestStringBoundaries(t *testing.T) {
	specials := []string{`\n`, `\"`, `\\`, `\u00e9`, `\ud83d\ude00`, "\x01", "\x1f", `\x`, `\u12`, `\`, "é", "\xff", "\x7f", `"`, " ", "#", "]", "]\\", "😀", "中", "\xe4\xb8", "\xed\xa0\x80", "\xf4\x90\x80\x80", "é\"", "\xc3", "\xe0\xa0\x80", "\xe0\x81\x81", "\xef\xbf\xbf", "\xe4\xb8\"", "中文中文", "\xed\x9f\xbf"}
	for _, sp := range specials {
		for pre := 0; pre < 70; pre++ {
			for _, post := range []int{0, 1, 7, 8, 31, 40} {
				s := `"` + strings.Repeat("a", pre) + sp + strings.Repeat("b", post) + `"`
				checkDoc(t, []byte(s))
				checkDoc(t, []byte(`[`+s+`,1]`))
				checkDoc(t, []byte(`{`+s+`:`+s+`}`))
				checkDoc(t, []byte(s[:len(s)-1])) // unterminated
			}
		}
	}
}

// TestEscapeRuns decodes strings made of \uXXXX escapes in runs, as
// Python's json.dumps writes text outside ASCII: every range of the UTF-8
// encoding (one, two and three bytes), each surrogate half alone, in pairs
// and out of order, hex digits in either case, beside the one-byte escapes
// and plain text; checkDoc holds each to encoding/json.
func TestEscapeRuns(t *testing.T) {
	pieces := []string{`\u0041`, `\u007f`, `\u0080`, `\u00e9`, `\u07FF`, `\u0800`, `\u4e2d`, `\u6587`, `\uFFFD`, `\uffff`, `\uD7FF`, `\uE000`,
		`\ud83d`, `\ude00`, `\uDBFF`, `\uDC00`, `\ud83d\ude00`, `\u0000`, `\n`, `\"`, `\\`, `\/`, "a", " ", "é", "中", "😀", "\xff", "\xe4\xb8", "u", "0041"}
	seed := uint64(5)
	next := func(n int) int { // xorshift: the test needs no more
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return int(seed % uint64(n))
	}
	for range 20000 {
		var b strings.Builder
		b.WriteByte('"')
		for range 1 + next(12) {
			b.WriteString(pieces[next(len(pieces))])
		}
		b.WriteByte('"')
		checkDoc(t, []byte(b.String()))
		checkEndRunes(t, b.String())
	}
	for _, tc := range []struct {
		h    string
		want rune
	}{{"0041", 0x41}, {"fFfF", 0xFFFF}, {"12345", 0x1234}, {"123", -1}, {"12g4", -1}, {"", -1}} {
		if got := Hex4([]byte(tc.h)); got != tc.want {
			t.Errorf("Hex4(%q) = %#x, want %#x", tc.h, got, tc.want)
		}
	}
}

// checkEndRunes holds EndRunes to the first and last runes of Str.
func checkEndRunes(t *testing.T, token string) {
	t.Helper()
	v, err := Parse([]byte(token))
	if err != nil {
		t.Fatalf("%q: %v", token, err)
	}
	s := v.Str()
	first, last, ok := EndRunes([]byte(token[1 : len(token)-1]))
	wantFirst, _ := utf8.DecodeRuneInString(s)
	wantLast, _ := utf8.DecodeLastRuneInString(s)
	if ok != (s != "") || ok && (first != wantFirst || last != wantLast) {
		t.Fatalf("EndRunes(%s) = %q, %q, %v; Str %q", token, first, last, ok, s)
	}
}
