package frame

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
		{`{"jsonrpc":"2.0","id":99,"method":"textDocument/hover","params":{`, CodeParseError, "99"},
		{`{"id":"a\"b","method":"x","params":[1,,2]}`, CodeParseError, `"a\"b"`},
		{`{"method":"x","params":{"a":[},"id":3}`, CodeParseError, ""},       // the error comes first
		{`{"jsonrpc":"2.0","id":4,"result":{"applied":`, CodeParseError, ""}, // a broken response
		{`{"jsonrpc":"2.0","id":{"a":1},"method":"x"`, CodeParseError, ""},   // no valid id
		{`{"jsonrpc":"2.0","id":-1,"method":"x",`, CodeParseError, ""},       // jsonrpc2 takes no negative id
		{"\xff\xfe\x00garbage", CodeParseError, ""},
		{`{"jsonrpc":"2.0","id":7,"method":7}`, CodeInvalidRequest, "7"},
		{`{"jsonrpc":"2.0","id":7,"result":1,"method":7}`, CodeInvalidRequest, ""},
		{`{"jsonrpc":"2.0","id":8}`, CodeInvalidRequest, "8"},
		{`{"jsonrpc":"2.0","id":{"a":1},"method":"x"}`, CodeInvalidRequest, ""},
		{`[{"jsonrpc":"2.0","id":9,"method":"x"}]`, CodeInvalidRequest, ""},
		{`null`, CodeInvalidRequest, ""},
	} {
		_, err := Check([]byte(c.body))
		var fe *Error
		switch {
		case c.code == 0 && err != nil:
			t.Errorf("%s: %v", c.body, err)
		case c.code == 0:
		case !errors.As(err, &fe):
			t.Errorf("%s: %v, want code %d", c.body, err, c.code)
		case fe.Code != c.code || string(fe.ID) != c.id:
			t.Errorf("%s: code %d id %q, want %d %q", c.body, fe.Code, fe.ID, c.code, c.id)
		}
	}
}
