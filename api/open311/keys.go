package open311

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Key is one client's API key.
type Key struct {
	// Client names the client; its requests are appeals of source
	// "open311.CLIENT".
	Client string
	Secret string
}

// MinKeyLen is the shortest API key accepted.
const MinKeyLen = 16

var clientName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// ParseKeys reads comma-separated name=key pairs ("fms=KEY,portal=KEY").
func ParseKeys(s string) ([]Key, error) {
	var keys []Key
	var errs []error
	clients, secrets := map[string]bool{}, map[string]bool{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		name, secret, ok := strings.Cut(pair, "=")
		name, secret = strings.TrimSpace(name), strings.TrimSpace(secret)
		switch {
		case !ok:
			errs = append(errs, errors.New("every entry must be NAME=KEY"))
			continue
		case !clientName.MatchString(name):
			errs = append(errs, fmt.Errorf("client name %q must be 1-32 lower-case letters, digits, '_' or '-'", name))
		case len(secret) < MinKeyLen || strings.ContainsAny(secret, " \t"):
			errs = append(errs, fmt.Errorf("the key of %s must be at least %d characters without spaces", name, MinKeyLen))
		case clients[name]:
			errs = append(errs, fmt.Errorf("client %s is named twice", name))
		case secrets[secret]:
			errs = append(errs, fmt.Errorf("the key of %s is another client's too", name))
		}
		clients[name], secrets[secret] = true, true
		keys = append(keys, Key{Client: name, Secret: secret})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return keys, nil
}

// client returns the client whose key is key, comparing in constant time
// with every key so that timing tells nothing of which nearly matched.
func client(keys []Key, key string) (string, bool) {
	found := ""
	for _, k := range keys {
		if subtle.ConstantTimeCompare([]byte(k.Secret), []byte(key)) == 1 {
			found = k.Client
		}
	}
	return found, found != ""
}
