// Command build builds the Dendrite homeserver of the Matrix tests into its
// cache directory (or finds it there) and prints that directory. The test
// command runs it before go test, so that no test's time-out has to cover
// a cold build.
package main

import (
	"fmt"
	"os"

	"github.com/appealbot/appealbot/bot/matrix/matrixtest"
)

func main() {
	dir, err := matrixtest.Build(os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
	fmt.Println(dir)
}
