package main

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeOpen311: with client keys (here from a file) and services'
// settings, serve answers GeoReport v2 under /open311/v2/; without keys it
// serves none of it.
func TestServeOpen311(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys")
	services := filepath.Join(dir, "services.json")
	_ = os.WriteFile(keys, []byte("fms=fms-key-0123456789abcdef\n"), 0o600)
	_ = os.WriteFile(services, []byte(`{"water": {"group": "市政", "attributes": [{"code": "kind", "datatype": "singlevaluelist", "required": true, "values": [{"key": "leak", "name": "漏水"}]}]}}`), 0o600)
	base, log, _ := startServe(t, map[string]string{"APPEALBOT_DATA_DIR": dir, "APPEALBOT_OPEN311_KEYS_FILE": keys,
		"APPEALBOT_OPEN311_SERVICES": services})
	req, _ := http.NewRequest("PUT", base+"/api/v1/departments/water", strings.NewReader(`{"name":"供水公司"}`))
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("PUT department: %v %v", resp, err)
	}
	form := url.Values{"api_key": {"fms-key-0123456789abcdef"}, "service_code": {"water"}, "lat": {"31.2"}, "long": {"121.4"},
		"description": {"停水"}, "attribute[kind]": {"leak"}}
	resp, err := http.PostForm(base+"/open311/v2/requests.xml", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var posted struct {
		ID string `xml:"request>service_request_id"`
	}
	if resp.StatusCode != 200 || xml.Unmarshal(body, &posted) != nil || posted.ID != "1" {
		t.Fatalf("POST requests.xml: %d %s", resp.StatusCode, body)
	}
	resp, err = http.Get(base + "/open311/v2/services/water.xml")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<code>kind</code>") {
		t.Fatalf("service definition from the settings file: %d %s", resp.StatusCode, body)
	}
	if strings.Contains(log.String(), "fms-key-0123456789abcdef") || !strings.Contains(log.String(), "open311_clients=1") {
		t.Fatalf("the key reached the log, or the clients were not counted:\n%s", log)
	}

	base, _, _ = startServe(t, map[string]string{"APPEALBOT_DATA_DIR": t.TempDir()})
	if st, m := getJSON(t, base+"/open311/v2/services.xml", ""); st != 404 {
		t.Fatalf("without keys: %d %v", st, m)
	}
}
