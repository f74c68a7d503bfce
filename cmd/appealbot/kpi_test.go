package main

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/storage/storagetest"
)

func TestKPIWeightsConfig(t *testing.T) {
	c, err := parseConfig("serve", nil, envFunc(nil), &bytes.Buffer{})
	if err != nil || c.KPIWeights != kpi.DefaultWeights {
		t.Fatalf("default: %v %v", c.KPIWeights, err)
	}
	c, err = parseConfig("serve", []string{"--kpi-weights", "1,1,2"}, envFunc(map[string]string{"APPEALBOT_KPI_WEIGHTS": "50,25,25"}), &bytes.Buffer{})
	if err != nil || c.KPIWeights != (kpi.Weights{Response: 1, Resolution: 1, Satisfaction: 2}) {
		t.Fatalf("flag over env: %v %v", c.KPIWeights, err)
	}
	for _, bad := range []string{"30,35", "a,b,c", "0,0,0", "-1,50,51"} {
		_, err := parseConfig("serve", nil, envFunc(map[string]string{"APPEALBOT_KPI_WEIGHTS": bad}), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "APPEALBOT_KPI_WEIGHTS") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestServeFeedbackAndStats: the program serves feedback and the figures,
// with the configured weights.
func TestServeFeedbackAndStats(t *testing.T) {
	for _, backend := range storagetest.Backends {
		t.Run(backend, func(t *testing.T) {
			env := map[string]string{"APPEALBOT_DATA_DIR": t.TempDir(), "APPEALBOT_KPI_WEIGHTS": "100,0,0"}
			if backend == "postgres" {
				env["APPEALBOT_DATABASE_URL"] = storagetest.PostgresURL(t)
			}
			base, _, _ := startServe(t, env)
			req, _ := http.NewRequest("PUT", base+"/api/v1/departments/env", strings.NewReader(`{"name":"环保局"}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if st, m := postJSON(t, base+"/api/v1/appeals", "", appealBody); st != 201 || m["status"] != "assigned" {
				t.Fatalf("intake: %d %v", st, m)
			}
			if st, m := postJSON(t, base+"/api/v1/appeals/1/feedback", "", `{"result":"satisfied"}`); st != http.StatusConflict {
				t.Errorf("feedback on an open appeal: %d %v", st, m)
			}
			st, m := getJSON(t, base+"/api/v1/stats?department=env", "")
			if st != 200 {
				t.Fatalf("stats: %d %v", st, m)
			}
			w := m["weights"].(map[string]any)
			d := m["departments"].([]any)[0].(map[string]any)
			// Received and unanswered: response 0, and with only the
			// response rate weighed the score is 0.
			if w["response"] != 100.0 || w["satisfaction"] != 0.0 || d["received"] != 1.0 || d["response_rate"] != 0.0 || d["score"] != 0.0 {
				t.Errorf("stats: weights %v, env %v", w, d)
			}
		})
	}
}
