// Command fakeprovider serves generator/fakeopenai, an OpenAI-compatible
// endpoint on 127.0.0.1 that writes distinct, valid conversations and
// answers review requests as a judge (fakeopenai.Judge), for the tests
// that drive a real editor: they cannot start a Go test server
// themselves. It prints the base URL to configure on its first line and
// serves until its standard input closes.
//
//	go run ./internal/fakeprovider -delay 100ms
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ftls-dev/ftls/generator/fakeopenai"
)

func main() {
	delay := flag.Duration("delay", 0, "hold every answer back this long, so that an editor test can type while a run is on")
	flag.Parse()
	var srv *fakeopenai.Server
	srv = fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply {
		rep := srv.Default(req)
		if review, _ := req.IsReview(); review {
			rep = fakeopenai.Judge(req)
		}
		rep.Delay = *delay
		return rep
	})
	defer srv.Close()
	fmt.Println(srv.URL)
	io.Copy(io.Discard, os.Stdin)
}
