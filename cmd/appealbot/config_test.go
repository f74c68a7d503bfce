package main

import "github.com/appealbot/appealbot/cmd/internal/app"

// parseConfig lets the tests of the settings read them as serve does.
var parseConfig = app.ParseConfig
