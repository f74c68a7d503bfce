// Command appealbot runs the appeal bot: the intake API, the chat bot and
// its schedules. See the README for settings.
package main

import (
	"context"
	"os"

	_ "time/tzdata" // departments name IANA zones; containers may have none
)

func main() {
	os.Exit(exitCode(run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr), os.Stderr))
}
