package render

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/appealbot/appealbot/appeal"
)

// Button data is "c:" + command + ":" + appeal number, with ":a" (answer)
// or ":e" (extension) for approve and reject: compact, well inside 64
// bytes, and nothing in it is trusted beyond naming what to do. Who may do
// it is decided from stored roles when it is pressed.
var buttonPattern = regexp.MustCompile(`^c:(claim|reassign|return|answer|appeal|approve|reject|assign):([1-9][0-9]{0,17})(?::([aer]|m[1-9][0-9]{0,17}))?$`)

// Kinds of pending item that approve and reject act on.
const (
	PendingAnswer    = "answer"
	PendingExtension = "extension"
)

// assignPattern is the data of a suggestion's button: "c:assignd:" +
// appeal number + ":" + department code (at most 61 bytes). It is not
// "c:assign:…", whose fourth part names a member ("m12"), which a
// department's code could look like.
var assignPattern = regexp.MustCompile(`^c:assignd:([1-9][0-9]{0,17}):([a-z0-9][a-z0-9_-]{0,31})$`)

// AssignButton is the data of a button that assigns appeal id to dept.
func AssignButton(id appeal.ID, dept string) string {
	return "c:assignd:" + strconv.FormatInt(int64(id), 10) + ":" + dept
}

// ButtonData is the data of a button that runs command cmd on appeal id;
// kind is "", PendingAnswer or PendingExtension.
func ButtonData(cmd string, id appeal.ID, kind string) string {
	d := "c:" + cmd + ":" + strconv.FormatInt(int64(id), 10)
	switch kind {
	case PendingAnswer:
		d += ":a"
	case PendingExtension:
		d += ":e"
	case PendingReview:
		d += ":r"
	}
	return d
}

// AssignButtonData is the data of a button that assigns appeal id to
// member m (an id of appealbot's, not the network's).
func AssignButtonData(id appeal.ID, m appeal.MemberID) string {
	return ButtonData("assign", id, "") + ":m" + strconv.FormatInt(int64(m), 10)
}

// MemberArg is how a button names a member among a command's arguments.
const MemberArg = "member:"

// ParseButton maps button data back to a command and its arguments; ok is
// false for anything this version did not make.
func ParseButton(data string) (command, args string, ok bool) {
	if m := assignPattern.FindStringSubmatch(data); m != nil {
		return "assign", m[1] + " " + m[2], true
	}
	m := buttonPattern.FindStringSubmatch(data)
	if m == nil {
		return "", "", false
	}
	cmd, id, kind := m[1], m[2], m[3]
	if strings.HasPrefix(kind, "m") {
		if cmd != "assign" {
			return "", "", false
		}
		return cmd, id + " " + MemberArg + kind[1:], true
	}
	if kind != "" && cmd != "approve" && cmd != "reject" {
		return "", "", false
	}
	switch kind {
	case "r":
		return cmd, id + " " + PendingReview, true
	case "a":
		return cmd, id + " " + PendingAnswer, true
	case "e":
		return cmd, id + " " + PendingExtension, true
	}
	return cmd, id, true
}
