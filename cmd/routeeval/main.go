// Command routeeval measures the department classifier on a labelled CSV of appeals;
// see routing/eval.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/appealbot/appealbot/routing/eval"
)

func main() {
	if err := eval.Main(os.Args[1:], os.Stdout, os.Stderr, time.Now); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(2)
	}
}
