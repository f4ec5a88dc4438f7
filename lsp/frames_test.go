package lsp

import (
	"errors"
	"testing"
)

func TestDecodableErrorCodes(t *testing.T) {
	for _, c := range []struct {
		body string
		code int    // 0: decodable
		id   string // the id answered, "" for none
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"initialize"}`, 0, ""},
		{`{"jsonrpc":"2.0","id":99,"method":"textDocument/hover","params":{`, codeParseError, "99"},
		{`{"id":"a\"b","method":"x","params":[1,,2]}`, codeParseError, `"a\"b"`},
		{`{"method":"x","params":{"a":[},"id":3}`, codeParseError, ""},       // the error comes first
		{`{"jsonrpc":"2.0","id":4,"result":{"applied":`, codeParseError, ""}, // a broken response
		{`{"jsonrpc":"2.0","id":{"a":1},"method":"x"`, codeParseError, ""},   // no valid id
		{`{"jsonrpc":"2.0","id":-1,"method":"x",`, codeParseError, ""},       // jsonrpc2 takes no negative id
		{"\xff\xfe\x00garbage", codeParseError, ""},
		{`{"jsonrpc":"2.0","id":7,"method":7}`, codeInvalidRequest, "7"},
		{`{"jsonrpc":"2.0","id":7,"result":1,"method":7}`, codeInvalidRequest, ""},
		{`{"jsonrpc":"2.0","id":8}`, codeInvalidRequest, "8"},
		{`{"jsonrpc":"2.0","id":{"a":1},"method":"x"}`, codeInvalidRequest, ""},
		{`[{"jsonrpc":"2.0","id":9,"method":"x"}]`, codeInvalidRequest, ""},
		{`null`, codeInvalidRequest, ""},
	} {
		_, err := decodable([]byte(c.body))
		var fe *frameError
		switch {
		case c.code == 0 && err != nil:
			t.Errorf("%s: %v", c.body, err)
		case c.code == 0:
		case !errors.As(err, &fe):
			t.Errorf("%s: %v, want code %d", c.body, err, c.code)
		case fe.code != c.code || string(fe.id) != c.id:
			t.Errorf("%s: code %d id %q, want %d %q", c.body, fe.code, fe.id, c.code, c.id)
		}
	}
}
