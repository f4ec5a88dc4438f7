package jsonpos

import (
	"bytes"
	"testing"

	"github.com/valyala/fastjson"
)

const structRow = `{"messages":[{"role":"system","content":"aaa"},{"role":"user","content":"bbb"},{"role":"assistant","content":"ccc"}],"metadata":{"category":"returns","source":"support-log-2024","lang":"en","quality":0.92,"reviewed":true}}`

func BenchmarkMicroStruct(b *testing.B) {
	data := []byte(structRow)
	var p Parser
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		p.Parse(data)
	}
}
func BenchmarkMicroStructFastjson(b *testing.B) {
	data := []byte(structRow)
	var p fastjson.Parser
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		p.ParseBytes(data)
	}
}

func BenchmarkMicroStrings(b *testing.B) {
	data := []byte(chatRow)
	var starts []int
	for i := 0; i < len(data); i++ {
		if data[i] == '"' {
			e, _, err := scanString(data, i+1)
			if err != nil {
				b.Fatal(err)
			}
			starts = append(starts, i+1)
			i = e - 1
		}
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		for _, s := range starts {
			scanString(data, s)
		}
	}
}

func BenchmarkMicroIndexByte(b *testing.B) {
	data := []byte(chatRow)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		d := data
		for {
			k := bytes.IndexByte(d, '"')
			if k < 0 {
				break
			}
			d = d[k+1:]
		}
	}
}

func BenchmarkMicroStringsNoEsc(b *testing.B) {
	data := bytes.ReplaceAll([]byte(chatRow), []byte(`\n`), []byte(`  `))
	data = bytes.ReplaceAll(data, []byte(`\"`), []byte(`  `))
	data = bytes.ReplaceAll(data, []byte(`\u`), []byte(`uu`))
	var starts []int
	for i := 0; i < len(data); i++ {
		if data[i] == '"' {
			e, _, err := scanString(data, i+1)
			if err != nil {
				b.Fatal(err)
			}
			starts = append(starts, i+1)
			i = e - 1
		}
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		for _, s := range starts {
			scanString(data, s)
		}
	}
}
