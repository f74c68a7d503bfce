package api

import (
	"context"
	"errors"
	"mime"
	"net/http"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/dispatch"
)

// Examples takes past appeals for the learned router to learn from
// (dispatch.Router with the departments to check them against).
type Examples interface {
	Import(ctx context.Context, ex []appeal.RoutingExample) (int, error)
}

// postExamples answers POST /api/v1/routing/examples: JSON lines
// (application/x-ndjson, application/jsonl or application/json) or a CSV
// (text/csv) of title, body, department and optionally category and
// location; all are stored or none.
func (s *server) postExamples(w http.ResponseWriter, r *http.Request) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	csvFormat := mt == "text/csv"
	if err != nil || !csvFormat && mt != "application/x-ndjson" && mt != "application/jsonl" && mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type",
			"Content-Type must be text/csv or application/x-ndjson (one JSON object per line)", "")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16*MaxBodyBytes)
	ex, err := dispatch.ReadExamples(r.Body, csvFormat)
	var ee *dispatch.ExampleError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		tooLarge().write(w)
		return
	case errors.As(err, &ee):
		writeError(w, http.StatusBadRequest, ee.Code(), ee.Error(), ee.Field)
		return
	case err != nil:
		s.internal(w, r, err)
		return
	}
	n, err := s.examples.Import(r.Context(), ex)
	if errors.As(err, &ee) {
		writeError(w, http.StatusBadRequest, ee.Code(), ee.Error(), ee.Field)
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.log.Info("api: routing examples imported", "count", n)
	writeJSON(w, http.StatusOK, map[string]int{"imported": n})
}
