package bytescan

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestGODEBUGTurnsOffAVX2 holds the escape hatch the README gives for a
// machine where the assembly is slow: GODEBUG=cpu.avx2=off leaves Fast
// off, so that every scan takes its plain loop. The test runs its own
// binary again with the setting and reads Fast from it.
func TestGODEBUGTurnsOffAVX2(t *testing.T) {
	if os.Getenv("FTLS_PRINT_FAST") == "1" {
		if Fast {
			os.Stdout.WriteString("fast=true\n")
		} else {
			os.Stdout.WriteString("fast=false\n")
		}
		return
	}
	if runtime.GOARCH != "amd64" || !Fast {
		t.Skip("no AVX2 to turn off")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestGODEBUGTurnsOffAVX2$")
	cmd.Env = append(os.Environ(), "FTLS_PRINT_FAST=1", "GODEBUG=cpu.avx2=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(string(out), "fast=false") {
		t.Fatalf("with GODEBUG=cpu.avx2=off the assembly is still on:\n%s", out)
	}
}
